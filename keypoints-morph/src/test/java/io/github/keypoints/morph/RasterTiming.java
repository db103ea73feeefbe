package io.github.keypoints.morph;

import java.util.List;

/** Ad-hoc timing of the rasteriser (not a test). */
public final class RasterTiming {
    public static void main(String[] args) {
        List<Face> faces = ImmTestFaces.neutral().stream().map(ImmTestFaces::face).toList();
        MorphChain chain = MorphChain.of(faces, FaceFrame.fitting(faces, 640, 480));
        Triangulation t = chain.triangulation();
        double[] d = chain.alignedPoints(0);
        long[] stats = new long[3];
        for (int rep = 0; rep < 8; rep++) {
            long t0 = System.nanoTime();
            for (int k = 0; k < 50; k++) {
                for (int i = 0; i < t.size(); i++) {
                    int a = t.vertex(i, 0), b = t.vertex(i, 1), c = t.vertex(i, 2);
                    TriangleRasterizer.rasterize(
                            d[2 * a],
                            d[2 * a + 1],
                            d[2 * b],
                            d[2 * b + 1],
                            d[2 * c],
                            d[2 * c + 1],
                            640,
                            0,
                            479,
                            (y, x0, x1) -> {
                                stats[0]++;
                                stats[1] += x1 - x0 + 1;
                            });
                }
            }
            System.out.printf(
                    "%.3f ms/frame spans=%d pixels=%d%n",
                    (System.nanoTime() - t0) / 50e6, stats[0] / 50, stats[1] / 50);
            stats[0] = stats[1] = 0;
        }
    }
}
