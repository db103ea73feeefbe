package io.github.keypoints.data.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PhotoSplitTest {

    private static FaceSample face(String id) {
        return FaceSample.of(
                id,
                Path.of(id + ".jpg"),
                Keypoints.of(LandmarkScheme.NOSE_TIP, new float[] {1, 2}));
    }

    @Test
    void thePhotoIsTheIdBeforeANumberedFaceSuffix() {
        assertThat(PhotoSplit.photoOf("afw/1051618982_1")).isEqualTo("afw/1051618982");
        assertThat(PhotoSplit.photoOf("2908549_2")).isEqualTo("2908549");
        assertThat(PhotoSplit.photoOf("image_front")).isEqualTo("image_front");
        assertThat(PhotoSplit.photoOf("plain")).isEqualTo("plain");
        assertThat(PhotoSplit.photoOf("trailing_")).isEqualTo("trailing_");
    }

    @Test
    void everyFaceOfAPhotoStaysOnOneSideAndEveryNthPhotoIsHeldOut() {
        List<FaceSample> faces = new ArrayList<>();
        for (int p = 0; p < 30; p++) {
            for (int f = 1; f <= 1 + p % 3; f++) {
                faces.add(face(String.format("%03d_%d", p, f)));
            }
        }
        List<FaceSample> shuffled = new ArrayList<>(faces);
        Collections.shuffle(shuffled, new Random(7));
        PhotoSplit split = PhotoSplit.everyNthPhoto(shuffled, 5, 2);
        assertThat(split.train().size() + split.heldOut().size()).isEqualTo(faces.size());
        Set<String> heldPhotos = new HashSet<>();
        split.heldOut().forEach(f -> heldPhotos.add(PhotoSplit.photoOf(f.id())));
        Set<String> trainPhotos = new HashSet<>();
        split.train().forEach(f -> trainPhotos.add(PhotoSplit.photoOf(f.id())));
        assertThat(heldPhotos).doesNotContainAnyElementsOf(trainPhotos);
        // Photos 002, 007, ... 027: the third of every five, whatever the input order.
        assertThat(heldPhotos).containsExactlyInAnyOrder("002", "007", "012", "017", "022", "027");
        // Each part keeps the input order.
        List<FaceSample> expectedOrder = new ArrayList<>(shuffled);
        expectedOrder.retainAll(split.heldOut());
        assertThat(split.heldOut()).containsExactlyElementsOf(expectedOrder);
    }

    @Test
    void outOfRangeArgumentsAreNamed() {
        assertThatThrownBy(() -> PhotoSplit.everyNthPhoto(List.of(), 1, 0))
                .hasMessageContaining("n must be at least 2");
        assertThatThrownBy(() -> PhotoSplit.everyNthPhoto(List.of(), 3, 3))
                .hasMessageContaining("offset");
    }
}
