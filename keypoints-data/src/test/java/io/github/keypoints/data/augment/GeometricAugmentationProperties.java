package io.github.keypoints.data.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.keypoints.data.Affine;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.SyntheticImages;
import io.github.keypoints.data.preprocess.Border;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import org.opencv.core.Mat;

class GeometricAugmentationProperties {

    private static final int SIZE = 240;

    @Provide
    Arbitrary<Augmentation> geometricChains() {
        Arbitrary<Center> centers = Arbitraries.of(Center.class);
        Arbitrary<Augmentation> rotation =
                Combinators.combine(Arbitraries.doubles().between(0, 30), centers)
                        .as(Augmentation::rotation);
        Arbitrary<Augmentation> shift =
                Arbitraries.doubles().between(0, 10).map(Augmentation::shift);
        Arbitrary<Augmentation> scale =
                Combinators.combine(
                                Arbitraries.doubles().between(0.85, 1.0),
                                Arbitraries.doubles().between(1.0, 1.2),
                                centers)
                        .as(Augmentation::scale);
        Arbitrary<Augmentation> flip = Arbitraries.just(Augmentation.horizontalFlip());
        return Arbitraries.oneOf(rotation, shift, scale, flip)
                .list()
                .ofMinSize(1)
                .ofMaxSize(3)
                .map(steps -> Augmentation.sequence(steps.toArray(new Augmentation[0])));
    }

    /** Six well-separated face-like points (at least 20 px apart) near the image centre. */
    @Provide
    Arbitrary<Keypoints> sixPoints() {
        return Arbitraries.doubles()
                .between(-3, 3)
                .list()
                .ofSize(12)
                .map(
                        jitter -> {
                            double[] base = {
                                100, 100, 140, 100, 120, 120, 105, 142, 135, 142, 120, 160
                            };
                            double[] xy = new double[12];
                            for (int i = 0; i < 12; i++) {
                                xy[i] = base[i] + jitter.get(i);
                            }
                            return Keypoints.of(SyntheticImages.SIX, xy);
                        });
    }

    @Property(tries = 150)
    void dotsFollowKeypointsWithinOnePixelUnderAnyGeometricComposition(
            @ForAll("geometricChains") Augmentation chain,
            @ForAll("sixPoints") Keypoints points,
            @ForAll long seed) {
        Mat image = SyntheticImages.dots(SIZE, SIZE, points, 1.5);
        AugmentationPipeline pipeline =
                AugmentationPipeline.builder()
                        .setAugmentation(chain)
                        .optBorder(Border.constant(0))
                        .build();
        ImageSample out =
                pipeline.apply(
                        new ImageSample(image, points, Optional.empty()),
                        new SplittableRandom(seed));
        try {
            Keypoints moved = out.keypoints();
            for (int i = 0; i < moved.size(); i++) {
                double[] c = SyntheticImages.centroid(out.image(), moved.x(i), moved.y(i), 6);
                assertThat(c).as("dot %d of %s", i, chain).isNotNull();
                assertThat(Math.hypot(c[0] - moved.x(i), c[1] - moved.y(i)))
                        .as(
                                "dot %d of %s at %s, point at (%s, %s)",
                                i, chain, Arrays.toString(c), moved.x(i), moved.y(i))
                        .isLessThan(1.0);
            }
        } finally {
            image.release();
            out.release();
        }
    }

    @Property
    void flipTwiceIsTheIdentityOnPointsAndIndices(
            @ForAll("ibugPoints") Keypoints points, @ForAll @IntRange(min = 2, max = 4000) int w) {
        AugmentationPlan plan = new AugmentationPlan(w, 100, points, Optional.empty());
        Augmentation.horizontalFlip().then(Augmentation.horizontalFlip()).plan(plan, null);
        int[] identity = new int[points.size()];
        Arrays.setAll(identity, i -> i);
        assertThat(plan.permutation()).containsExactly(identity);
        assertThat(plan.keypoints().maxDistance(points)).isLessThan(1e-3);
    }

    @Property
    void flipPutsTheLeftEyeWhereTheRightEyeWasForIbug68(@ForAll("ibugPoints") Keypoints points) {
        assertFlipSwapsEyes(points, "eye_left", "eye_right");
        assertFlipSwapsEyes(points, "eye_right", "eye_left");
    }

    @Property
    void flipPutsTheLeftEyeWhereTheRightEyeWasForImm58(@ForAll("immPoints") Keypoints points) {
        assertFlipSwapsEyes(points, "eye_image_left", "eye_image_right");
        assertFlipSwapsEyes(points, "eye_image_right", "eye_image_left");
    }

    private static void assertFlipSwapsEyes(Keypoints points, String eye, String otherEye) {
        int w = 640;
        AugmentationPlan plan = new AugmentationPlan(w, 480, points, Optional.empty());
        Augmentation.horizontalFlip().plan(plan, null);
        Keypoints flipped = plan.keypoints();
        LandmarkScheme scheme = points.scheme();
        Set<Integer> other = new HashSet<>();
        for (int j : scheme.groups().get(otherEye)) {
            other.add(j);
        }
        Set<Integer> used = new HashSet<>();
        for (int i : scheme.groups().get(eye)) {
            // Left-eye point i of the flipped face is the mirror image of a right-eye point.
            int j = plan.permutation()[i];
            assertThat(other).contains(j);
            used.add(j);
            assertThat((double) flipped.x(i)).isCloseTo((w - 1) - points.x(j), within(1e-3));
            assertThat(flipped.y(i)).isCloseTo(points.y(j), within(1e-3f));
        }
        assertThat(used).isEqualTo(other); // every right-eye point is used, once
    }

    @Property
    void rotationKeepsEveryDistanceBetweenPoints(
            @ForAll("ibugPoints") Keypoints points,
            @ForAll @DoubleRange(min = 0, max = 180) double maxDegrees,
            @ForAll Center center,
            @ForAll long seed) {
        AugmentationPlan plan = new AugmentationPlan(640, 480, points, Optional.empty());
        Augmentation.rotation(maxDegrees, center).plan(plan, new SplittableRandom(seed));
        Keypoints r = plan.keypoints();
        for (int i = 0; i < points.size(); i += 7) {
            for (int j = i + 1; j < points.size(); j += 5) {
                double before = Math.hypot(points.x(i) - points.x(j), points.y(i) - points.y(j));
                double after = Math.hypot(r.x(i) - r.x(j), r.y(i) - r.y(j));
                assertThat(after).isCloseTo(before, within(1e-3));
            }
        }
    }

    @Property
    void aSequencePlansTheProductOfItsStepsMatrices(
            @ForAll("geometricChains") Augmentation a,
            @ForAll("geometricChains") Augmentation b,
            @ForAll("ibugPoints") Keypoints points,
            @ForAll long seed) {
        AugmentationPlan both = new AugmentationPlan(640, 480, points, Optional.empty());
        SplittableRandom r1 = new SplittableRandom(seed);
        a.then(b).plan(both, r1);

        SplittableRandom r2 = new SplittableRandom(seed);
        AugmentationPlan first = new AugmentationPlan(640, 480, points, Optional.empty());
        a.plan(first, r2);
        // b alone, started from where a left the points: its own matrix, then multiplied.
        AugmentationPlan second =
                new AugmentationPlan(640, 480, first.keypoints(), Optional.of(first.faceBox()));
        b.plan(second, r2);
        Affine product = first.affine().then(second.affine());
        double[] got = both.affine().toArray();
        double[] want = product.toArray();
        for (int k = 0; k < 6; k++) {
            // The second plan starts from float-rounded points, so centres (and with them the
            // translations) carry float rounding; the linear parts are exact.
            double tolerance = k == 2 || k == 5 ? 1e-3 : 1e-6;
            assertThat(got[k]).isCloseTo(want[k], within(tolerance));
        }
        assertThat(both.keypoints().maxDistance(second.keypoints())).isLessThan(1e-3);
    }

    @Property
    void scalingAboutTheKeypointCentroidKeepsTheCentroid(
            @ForAll("ibugPoints") Keypoints points,
            @ForAll @DoubleRange(min = 0.3, max = 1) double min,
            @ForAll @DoubleRange(min = 1, max = 3) double max,
            @ForAll long seed) {
        AugmentationPlan plan = new AugmentationPlan(640, 480, points, Optional.empty());
        double[] before = plan.center(Center.KEYPOINT_CENTROID);
        Augmentation.scale(min, max, Center.KEYPOINT_CENTROID)
                .plan(plan, new SplittableRandom(seed));
        Keypoints s = plan.keypoints();
        double cx = 0;
        double cy = 0;
        for (int i = 0; i < s.size(); i++) {
            cx += s.x(i);
            cy += s.y(i);
        }
        assertThat(cx / s.size()).isCloseTo(before[0], within(1e-2));
        assertThat(cy / s.size()).isCloseTo(before[1], within(1e-2));
    }

    @Property
    void shiftMovesEveryPointByOneVectorWithinTheRange(
            @ForAll("ibugPoints") Keypoints points,
            @ForAll @DoubleRange(min = 0, max = 50) double maxPixels,
            @ForAll long seed) {
        AugmentationPlan plan = new AugmentationPlan(640, 480, points, Optional.empty());
        Augmentation.shift(maxPixels).plan(plan, new SplittableRandom(seed));
        Keypoints s = plan.keypoints();
        double dx = s.x(0) - points.x(0);
        double dy = s.y(0) - points.y(0);
        assertThat(Math.abs(dx)).isLessThanOrEqualTo(maxPixels + 1e-3);
        assertThat(Math.abs(dy)).isLessThanOrEqualTo(maxPixels + 1e-3);
        for (int i = 1; i < s.size(); i++) {
            assertThat((double) (s.x(i) - points.x(i))).isCloseTo(dx, within(1e-3));
            assertThat((double) (s.y(i) - points.y(i))).isCloseTo(dy, within(1e-3));
        }
    }

    /** Plans one step on a fresh plan per seed 0..n-1 and returns each plan's affine matrix. */
    private static double[][] matrices(Augmentation step, Keypoints points, int n) {
        double[][] out = new double[n][];
        for (int k = 0; k < n; k++) {
            AugmentationPlan plan = new AugmentationPlan(640, 480, points, Optional.empty());
            step.plan(plan, new SplittableRandom(k));
            out[k] = plan.affine().toArray();
        }
        return out;
    }

    // The three properties below fail for a step that returns the identity (or a constant): over
    // 200 draws the sampled angle, factor or offset must stay inside its range and reach both of
    // its ends to within a fifth of the range (for a uniform draw, missing an end has probability
    // 0.9^200 < 1e-9).

    @Property(tries = 50)
    void rotationAnglesStayInAndFillTheirRange(
            @ForAll("ibugPoints") Keypoints points,
            @ForAll @DoubleRange(min = 5, max = 170) double maxDegrees) {
        double lo = Double.MAX_VALUE;
        double hi = -Double.MAX_VALUE;
        for (double[] m : matrices(Augmentation.rotation(maxDegrees, Center.IMAGE), points, 200)) {
            assertThat(Math.hypot(m[0], m[3])).isCloseTo(1, within(1e-9)); // a pure rotation
            double angle = Math.toDegrees(Math.atan2(m[3], m[0]));
            assertThat(Math.abs(angle)).isLessThanOrEqualTo(maxDegrees + 1e-9);
            lo = Math.min(lo, angle);
            hi = Math.max(hi, angle);
        }
        assertThat(hi).isGreaterThan(0.6 * maxDegrees);
        assertThat(lo).isLessThan(-0.6 * maxDegrees);
    }

    @Property(tries = 50)
    void scaleFactorsStayInAndFillTheirRange(
            @ForAll("ibugPoints") Keypoints points,
            @ForAll @DoubleRange(min = 0.3, max = 0.95) double min,
            @ForAll @DoubleRange(min = 1.05, max = 3) double max) {
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (double[] m : matrices(Augmentation.scale(min, max, Center.IMAGE), points, 200)) {
            assertThat(m[1]).isCloseTo(0, within(1e-12)); // no rotation or shear
            assertThat(m[0]).isCloseTo(m[4], within(1e-12)); // uniform
            double factor = m[0];
            assertThat(factor).isBetween(min - 1e-9, max + 1e-9);
            lo = Math.min(lo, factor);
            hi = Math.max(hi, factor);
        }
        double range = max - min;
        assertThat(lo).isLessThan(min + 0.2 * range);
        assertThat(hi).isGreaterThan(max - 0.2 * range);
    }

    @Property(tries = 50)
    void shiftOffsetsStayInAndFillTheirRange(
            @ForAll("ibugPoints") Keypoints points,
            @ForAll @DoubleRange(min = 1, max = 50) double maxPixels) {
        double[] lo = {Double.MAX_VALUE, Double.MAX_VALUE};
        double[] hi = {-Double.MAX_VALUE, -Double.MAX_VALUE};
        for (double[] m : matrices(Augmentation.shift(maxPixels), points, 200)) {
            assertThat(new double[] {m[0], m[1], m[3], m[4]})
                    .containsExactly(1, 0, 0, 1); // a pure translation
            double[] t = {m[2], m[5]};
            for (int a = 0; a < 2; a++) {
                assertThat(Math.abs(t[a])).isLessThanOrEqualTo(maxPixels + 1e-9);
                lo[a] = Math.min(lo[a], t[a]);
                hi[a] = Math.max(hi[a], t[a]);
            }
        }
        for (int a = 0; a < 2; a++) {
            assertThat(hi[a]).as("axis %d", a).isGreaterThan(0.6 * maxPixels);
            assertThat(lo[a]).as("axis %d", a).isLessThan(-0.6 * maxPixels);
        }
    }

    @Provide
    Arbitrary<Keypoints> ibugPoints() {
        return points(LandmarkScheme.IBUG_68);
    }

    @Provide
    Arbitrary<Keypoints> immPoints() {
        return points(LandmarkScheme.IMM_58);
    }

    private static Arbitrary<Keypoints> points(LandmarkScheme scheme) {
        return Arbitraries.floats()
                .between(0, 479)
                .array(float[].class)
                .ofSize(2 * scheme.size())
                .map(xy -> Keypoints.of(scheme, xy));
    }
}
