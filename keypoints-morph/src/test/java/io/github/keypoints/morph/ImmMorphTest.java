package io.github.keypoints.morph;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** Real IMM faces (read from the shared data folder, never copied into the repository). */
class ImmMorphTest {

    @Test
    void chainThroughNeutralFacesKeepsTheEyesStill() {
        Assumptions.assumeTrue(
                Files.isDirectory(ImmTestFaces.dir()),
                "IMM faces not found at " + ImmTestFaces.dir());
        List<Face> faces =
                ImmTestFaces.neutral().stream().limit(4).map(ImmTestFaces::face).toList();
        assertThat(faces).hasSize(4);
        FaceFrame frame = FaceFrame.fitting(faces, 320, 240);
        MorphChain chain = MorphChain.of(faces, frame);
        // 58 keypoints + 8 border points, every one used by some triangle.
        assertThat(chain.triangulation().pointCount()).isEqualTo(66);
        boolean[] used = new boolean[66];
        for (int t = 0; t < chain.triangulation().size(); t++) {
            for (int k = 0; k < 3; k++) {
                used[chain.triangulation().vertex(t, k)] = true;
            }
        }
        for (boolean u : used) {
            assertThat(u).isTrue();
        }
        for (int i = 0; i < faces.size(); i++) {
            double[] a = chain.alignedPoints(i);
            assertThat(a[2 * 21])
                    .isCloseTo(frame.eye0x(), org.assertj.core.data.Offset.offset(1e-6));
            assertThat(a[2 * 13 + 1])
                    .isCloseTo(frame.eye1y(), org.assertj.core.data.Offset.offset(1e-6));
        }
        int[] n = {0};
        int frames = chain.forEachFrame(3, f -> n[0]++);
        assertThat(frames).isEqualTo(10).isEqualTo(n[0]);
    }

    @Test
    void meanFaceOfRealFacesLooksLikeAFace() {
        Assumptions.assumeTrue(
                Files.isDirectory(ImmTestFaces.dir()),
                "IMM faces not found at " + ImmTestFaces.dir());
        List<Face> faces =
                ImmTestFaces.neutral().stream().limit(6).map(ImmTestFaces::face).toList();
        MeanFace.Result r = MeanFace.builder().setSize(320, 240).build().compute(faces);
        assertThat(r.faces()).isEqualTo(6);
        // The mean eye corners lie where the scaled faces have them on average (within 5 px).
        double ex = 0;
        for (Face f : faces) {
            ex += f.shape().x(21) / 2 / faces.size();
        }
        assertThat((double) r.shape().x(21))
                .isCloseTo(ex, org.assertj.core.data.Offset.offset(5.0));
        // Not black: the whole frame is covered.
        long sum = 0;
        for (byte b : r.image().data()) {
            sum += b & 0xff;
        }
        assertThat(sum / r.image().data().length).isGreaterThan(30);
    }
}
