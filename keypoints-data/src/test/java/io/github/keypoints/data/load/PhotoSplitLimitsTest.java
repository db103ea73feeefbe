package io.github.keypoints.data.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Photo names from face ids at their edges, and the split's argument limits. */
class PhotoSplitLimitsTest {

    @Test
    void onlyANonEmptyNumericSuffixAfterANonEmptyStemIsAFaceNumber() {
        assertThat(PhotoSplit.photoOf("a_1")).isEqualTo("a");
        assertThat(PhotoSplit.photoOf("a_b_12")).isEqualTo("a_b");
        assertThat(PhotoSplit.photoOf("_1")).isEqualTo("_1");
        assertThat(PhotoSplit.photoOf("a_")).isEqualTo("a_");
        assertThat(PhotoSplit.photoOf("a_x1")).isEqualTo("a_x1");
    }

    private static List<FaceSample> faces(int photos) {
        List<FaceSample> out = new ArrayList<>();
        for (int i = 0; i < photos; i++) {
            out.add(
                    FaceSample.of(
                            "p" + i + "_1",
                            Path.of("p" + i + ".jpg"),
                            Keypoints.of(LandmarkScheme.NOSE_TIP, new float[] {1, 1})));
        }
        return out;
    }

    @Test
    void nAndOffsetLimitsAreInclusiveWhereDocumented() {
        // Photos p0..p5 in name order; n = 2, offset 1 holds out p1, p3, p5.
        PhotoSplit two = PhotoSplit.everyNthPhoto(faces(6), 2, 1);
        assertThat(two.heldOut())
                .extracting(FaceSample::id)
                .containsExactly("p1_1", "p3_1", "p5_1");
        assertThat(two.train()).extracting(FaceSample::id).containsExactly("p0_1", "p2_1", "p4_1");
        // Offset 0 holds out the first photo of each pair.
        assertThat(PhotoSplit.everyNthPhoto(faces(4), 2, 0).heldOut())
                .extracting(FaceSample::id)
                .containsExactly("p0_1", "p2_1");
        assertThatThrownBy(() -> PhotoSplit.everyNthPhoto(faces(2), 1, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("n must be at least 2, got 1");
        assertThatThrownBy(() -> PhotoSplit.everyNthPhoto(faces(2), 3, 3))
                .hasMessage("offset must be in 0..2, got 3");
        assertThatThrownBy(() -> PhotoSplit.everyNthPhoto(faces(2), 3, -1))
                .hasMessage("offset must be in 0..2, got -1");
    }
}
