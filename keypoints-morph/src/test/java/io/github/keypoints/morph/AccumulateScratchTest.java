package io.github.keypoints.morph;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Averaging many faces packs each colour source into one reused array per worker ({@link
 * PiecewiseAffineWarp#accumulate(ImageBuffer, double[], double[], float[], int, int, int[])}): the
 * sums are those of packing every face afresh, and the array really is reused.
 */
class AccumulateScratchTest {

    @Test
    void aReusedPackingBufferGivesTheSameSumsAsFreshOnes() {
        int w = 48;
        int h = 40;
        double[] src = {0, 0, w - 1, 0, w - 1, h - 1, 0, h - 1, 20, 18};
        double[] dst = {0, 0, w - 1, 0, w - 1, h - 1, 0, h - 1, 25, 21};
        PiecewiseAffineWarp warp = PiecewiseAffineWarp.of(Triangulation.delaunay(dst));
        ImageBuffer a = noise(w, h, 1);
        ImageBuffer b = noise(w, h, 2);
        float[] fresh = new float[w * h * 3];
        warp.accumulate(a, src, dst, fresh, w, h);
        warp.accumulate(b, src, dst, fresh, w, h);
        float[] reused = new float[w * h * 3];
        int[] scratch = warp.accumulate(a, src, dst, reused, w, h, null);
        int[] again = warp.accumulate(b, src, dst, reused, w, h, scratch);
        assertThat(again).isSameAs(scratch);
        assertThat(reused).containsExactly(fresh);
        assertThat(fresh).as("something was added").isNotEqualTo(new float[w * h * 3]);
    }

    private static ImageBuffer noise(int w, int h, long seed) {
        byte[] d = new byte[w * h * 3];
        new Random(seed).nextBytes(d);
        return new ImageBuffer(w, h, 3, d);
    }
}
