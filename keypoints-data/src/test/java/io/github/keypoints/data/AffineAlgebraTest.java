package io.github.keypoints.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Affine algebra checked against matrices and point images worked out by hand. */
class AffineAlgebraTest {

    @Test
    void inverseOfAGeneralAffineIsTheHandDerivedMatrix() {
        // [[2, 1, 3], [1, 1, 5]]: det = 2·1 − 1·1 = 1, so the linear inverse is [[1, −1], [−1, 2]]
        // and the translation −A⁻¹·t = −(1·3 − 1·5, −1·3 + 2·5) = (2, −7).
        Affine t = new Affine(2, 1, 3, 1, 1, 5);
        assertThat(t.determinant()).isEqualTo(1.0);
        assertThat(t.inverse().toArray())
                .containsExactly(new double[] {1, -1, 2, -1, 2, -7}, within(1e-12));
    }

    @Test
    void inverseDividesByADeterminantOtherThanOne() {
        // [[4, 2, 0], [1, 3, 0]]: det = 12 − 2 = 10; inverse = [[0.3, −0.2], [−0.1, 0.4]].
        Affine t = new Affine(4, 2, 10, 1, 3, -20);
        assertThat(t.determinant()).isEqualTo(10.0);
        Affine inv = t.inverse();
        assertThat(inv.a()).isCloseTo(0.3, within(1e-12));
        assertThat(inv.b()).isCloseTo(-0.2, within(1e-12));
        assertThat(inv.d()).isCloseTo(-0.1, within(1e-12));
        assertThat(inv.e()).isCloseTo(0.4, within(1e-12));
        // The translation: −(0.3·10 − 0.2·(−20), −0.1·10 + 0.4·(−20)) = (−7, 9).
        assertThat(inv.c()).isCloseTo(-7, within(1e-12));
        assertThat(inv.f()).isCloseTo(9, within(1e-12));
        // And the point (10, −20) is the image of the origin.
        assertThat(inv.applyX(10, -20)).isCloseTo(0, within(1e-12));
        assertThat(inv.applyY(10, -20)).isCloseTo(0, within(1e-12));
    }

    @Test
    void determinantSubtractsTheOffDiagonalProduct() {
        assertThat(new Affine(3, 2, 0, 5, 7, 0).determinant()).isEqualTo(21.0 - 10.0);
        assertThat(Affine.horizontalFlip(10).determinant()).isEqualTo(-1.0);
    }

    @Test
    void aSingularAffineHasNoInverseAndTheMessageShowsIt() {
        assertThatThrownBy(() -> new Affine(1, 2, 0, 2, 4, 0).inverse())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("singular");
    }

    @Test
    void aVeryThinButNotFlatAffineIsStillInvertible() {
        // det = 1e-14, above the 1e-15 singularity threshold.
        Affine thin = new Affine(1e-14, 0, 0, 0, 1, 0);
        assertThat(thin.inverse().a()).isCloseTo(1e14, within(1.0));
        // det exactly 1e-15 is at the threshold: still accepted (the test is "below").
        Affine edge = new Affine(1e-15, 0, 0, 0, 1, 0);
        assertThat(edge.inverse().a()).isCloseTo(1e15, within(10.0));
    }

    @Test
    void collinearSourcePointsAwayFromTheOriginAreRejectedAsDegenerate() {
        // (1, 2), (3, 5), (5, 8) lie on one line; with a non-zero first point any sign slip in
        // the determinant's differences makes it non-zero.
        double[] src = {1, 2, 3, 5, 5, 8};
        double[] dst = {0, 0, 1, 0, 0, 1};
        assertThatThrownBy(() -> Affine.fromTriangles(src, dst))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("degenerate");
        // Scaled copies: still collinear, whatever the scale of the coordinates.
        double[] src2 = {10, -4, 13, 2, 16, 8};
        assertThatThrownBy(() -> Affine.fromTriangles(src2, dst))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("degenerate");
    }

    @Test
    void aTinyButRealTriangleIsAcceptedAtTheThreshold() {
        // det = 1e-12 exactly: the rejection is for |det| strictly below 1e-12.
        double[] src = {0, 0, 1e-12, 0, 0, 1};
        double[] dst = {0, 0, 1, 0, 0, 1};
        Affine t = Affine.fromTriangles(src, dst);
        assertThat(t.applyX(1e-12, 0)).isCloseTo(1, within(1e-6));
    }

    @Test
    void wrongCoordinateCountsAreRejectedWithAMessage() {
        assertThatThrownBy(() -> Affine.fromTriangles(new double[4], new double[6]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("6 coordinates");
    }

    @Test
    void fromTrianglesMapsAGeneralTriangleAsTheHandSolvedAffine() {
        // The affine x' = 2x + y + 3, y' = x − y + 1, sampled at three points.
        double[] src = {1, 2, 4, -1, -3, 5};
        double[] dst = new double[6];
        for (int i = 0; i < 3; i++) {
            double x = src[2 * i];
            double y = src[2 * i + 1];
            dst[2 * i] = 2 * x + y + 3;
            dst[2 * i + 1] = x - y + 1;
        }
        Affine t = Affine.fromTriangles(src, dst);
        assertThat(t.toArray()).containsExactly(new double[] {2, 1, 3, 1, -1, 1}, within(1e-9));
    }

    @Test
    void nonFiniteCoefficientsAreRejectedListingThem() {
        assertThatThrownBy(() -> new Affine(1, 0, Double.NaN, 0, 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("finite")
                .hasMessageContaining("NaN");
    }
}
