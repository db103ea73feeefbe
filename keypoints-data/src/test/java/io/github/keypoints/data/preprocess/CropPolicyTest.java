package io.github.keypoints.data.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.Box;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CropPolicyTest {

    private static final Keypoints TWO =
            Keypoints.of(
                    LandmarkScheme.builder()
                            .setName("two")
                            .setPointNames(java.util.List.of("a", "b"))
                            .build(),
                    new float[] {100, 100, 200, 150});

    @Test
    void wholeImageCoversEveryPixelToItsOuterEdge() {
        Box r =
                CropPolicy.wholeImage()
                        .region(FaceSample.of("s", Path.of("x.jpg"), TWO), 640, 480, 4 / 3.0);
        assertThat(r).isEqualTo(new Box(-0.5, -0.5, 640, 480));
    }

    @Test
    void faceBoxPrefersTheAnnotatedBoxAndGrowsItByTheMargin() {
        FaceSample annotated =
                new FaceSample("s", Path.of("x.jpg"), TWO, Optional.of(new Box(90, 80, 120, 100)));
        Box r = CropPolicy.faceBox(1.5).region(annotated, 640, 480, 1);
        assertThat(r).isEqualTo(new Box(60, 55, 180, 150));
        Box fromPoints = CropPolicy.pointsBox(2).region(annotated, 640, 480, 1);
        assertThat(fromPoints).isEqualTo(new Box(50, 75, 200, 100));
    }

    @Test
    void keepingAspectWidensToTheInputShapeWithoutShrinking() {
        FaceSample s = FaceSample.of("s", Path.of("x.jpg"), TWO);
        Box r = CropPolicy.faceBox(1.0).keepingAspect().region(s, 640, 480, 4 / 3.0);
        assertThat(r.width() / r.height()).isEqualTo(4 / 3.0);
        assertThat(r.width()).isGreaterThanOrEqualTo(100);
        assertThat(r.height()).isGreaterThanOrEqualTo(50);
        assertThat(r.centerX()).isEqualTo(150);
        assertThat(r.centerY()).isEqualTo(125);
    }

    @Test
    void aDegenerateFaceBoxNamesTheSample() {
        FaceSample one =
                FaceSample.of(
                        "lonely",
                        Path.of("nose.jpg"),
                        Keypoints.of(LandmarkScheme.NOSE_TIP, new float[] {3, 4}));
        assertThatThrownBy(() -> CropPolicy.faceBox(1.2).region(one, 10, 10, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lonely")
                .hasMessageContaining("nose.jpg")
                .hasMessageContaining("no area");
    }
}
