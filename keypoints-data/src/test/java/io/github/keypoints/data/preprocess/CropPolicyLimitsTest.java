package io.github.keypoints.data.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.Box;
import org.junit.jupiter.api.Test;

/** Crop regions at the limits: flat boxes, tiny factors, aspect expansion and descriptions. */
class CropPolicyLimitsTest {

    @Test
    void aBoxFlatInEitherDirectionHasNoAreaAndIsNamed() {
        CropPolicy p = CropPolicy.faceBox(1);
        assertThatThrownBy(() -> p.region(new Box(5, 5, 0, 10), 100, 100, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "crop region 5,5,0,10 has no area; expected a face box with positive"
                                + " width and height");
        assertThatThrownBy(() -> p.region(new Box(5, 5, 10, 0), 100, 100, 1))
                .hasMessageStartingWith("crop region 5,5,10,0 has no area");
        assertThat(p.region(new Box(5, 5, 1e-3, 1e-3), 100, 100, 1))
                .isEqualTo(new Box(5, 5, 1e-3, 1e-3));
    }

    @Test
    void keepingAspectWidensTheRegionToTheInputShape() {
        Box face = new Box(10, 10, 20, 20);
        assertThat(CropPolicy.faceBox(1).region(face, 100, 100, 2)).isEqualTo(face);
        assertThat(CropPolicy.faceBox(1).keepingAspect().region(face, 100, 100, 2))
                .isEqualTo(new Box(0, 10, 40, 20));
    }

    @Test
    void theFactorMustBePositiveAndFinite() {
        assertThat(CropPolicy.faceBox(1e-9).factor()).isEqualTo(1e-9);
        assertThatThrownBy(() -> CropPolicy.faceBox(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("crop factor must be positive and finite, was 0.0");
        assertThatThrownBy(() -> CropPolicy.faceBox(Double.POSITIVE_INFINITY))
                .hasMessage("crop factor must be positive and finite, was Infinity");
    }

    @Test
    void descriptionsTellPoliciesApart() {
        // They key the image cache: two policies that crop differently must differ here.
        assertThat(CropPolicy.faceBox(1.2).describe()).isEqualTo("FACE_BOX:1.2");
        assertThat(CropPolicy.faceBox(1.2).keepingAspect().describe())
                .isEqualTo("FACE_BOX:1.2:aspect");
        assertThat(CropPolicy.pointsBox(1.2).describe()).isEqualTo("POINTS_BOX:1.2");
        assertThat(CropPolicy.wholeImage().describe()).isEqualTo("WHOLE_IMAGE:1.0");
    }
}
