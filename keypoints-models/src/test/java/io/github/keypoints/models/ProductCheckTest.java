package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * {@link ProductCheck}: a right product passes, one wrong value is found and described, and both
 * engines' products are right here.
 */
class ProductCheckTest {

    private static final float[] A = {1, 2, 3, 4}; // 2x2, row-major
    private static final float[] B = {5, 6, 7, 8};

    private static ProductCheck.Form product(float[] got) {
        return new ProductCheck.Form(
                "a·b",
                got,
                new ProductCheck.Sizes(2, 2, 2),
                (r, c, k) -> A[r * 2 + k],
                (r, c, k) -> B[k * 2 + c]);
    }

    @Test
    void aRightProductPassesAndOneWrongValueIsNamed() {
        assertThat(ProductCheck.compare(product(new float[] {19, 22, 43, 50}))).isEmpty();
        assertThat(ProductCheck.compare(product(new float[] {19, 22, 43, 50.01f})))
                .hasValueSatisfying(
                        w ->
                                assertThat(w)
                                        .contains("a·b, 2x2 by depth 2")
                                        .contains("value (1, 1) is 50.0100")
                                        .contains("plain Java gives 50.0000"));
    }

    @Test
    void bothEnginesProductsAreRight() {
        assertThat(ProductCheck.firstWrong("PyTorch")).isEmpty();
        assertThat(ProductCheck.firstWrong("MXNet")).isEmpty();
    }
}
