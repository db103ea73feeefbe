package io.github.keypoints.morph;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.List;

/** Ad-hoc timing of chain frames on the IMM neutral faces (not a test). */
public final class MorphTiming {
    public static void main(String[] args) {
        List<Face> faces = ImmTestFaces.neutral().stream().map(ImmTestFaces::face).toList();
        MorphChain chain = MorphChain.of(faces, FaceFrame.fitting(faces, 640, 480));
        System.out.println(chain.triangulation());
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        PiecewiseAffineWarp seq = PiecewiseAffineWarp.of(chain.triangulation()).sequential();
        double[] a = chain.sourcePoints(0), b = chain.sourcePoints(1);
        double[] d = chain.alignedPoints(0);
        for (int rep = 0; rep < 24; rep++) {
            long c0 = mx.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            for (int k = 0; k < 50; k++) {
                if (args.length > 0) {
                    seq.coverage(d, 640, 480);
                } else if (rep % 2 == 0) {
                    seq.blend(faces.get(0).image(), a, faces.get(1).image(), b, d, 0.5, 640, 480);
                } else {
                    seq.warp(faces.get(0).image(), a, d, 640, 480);
                }
            }
            long c1 = mx.getCurrentThreadCpuTime();
            long t1 = System.nanoTime();
            System.out.printf(
                    "sequential blend: cpu %.2f ms wall %.2f ms%n",
                    (c1 - c0) / 50e6, (t1 - t0) / 50e6);
        }
    }
}
