package io.github.keypoints.models;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

/**
 * What the start-up check costs a fresh JVM once an earlier JVM has kept its verdict
 * (docs/performance.md, "Start-up without first-time costs"): the library's native adjustments
 * ({@code NativeTuning}, with the matrix-product check's verdict kept), a zoo network initialised
 * with the check skipped, reading the network's convolutions ({@code NetworkConvolutions}) the
 * first time and again, one verdict key, and then {@code ConvolutionCheck.verify} of the network,
 * which reads the kept verdict. Run it twice with the same {@code keypoints.cacheDir}: the first
 * run compares and keeps the verdicts, the second reads them. It reaches package-private classes,
 * so it is compiled into the package:
 *
 * <pre>
 * CP="examples/target/classes:$(cat examples/target/classpath.txt)"
 * javac -d runs/kept -cp "$CP" bench/KeptCheckParts.java
 * ONEDNN_MAX_CPU_ISA=AVX512_CORE OMP_NUM_THREADS=2 java -Dai.djl.offline=true -Dkeypoints.cacheDir=DIR \
 *     -cp "runs/kept:$CP" io.github.keypoints.models.KeptCheckParts ARCH WIDTH HEIGHT
 * </pre>
 */
public class KeptCheckParts {
    public static void main(String[] a) throws Exception {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            m.zeros(new Shape(1)).toFloatArray(); // the engine up
            long t0 = System.nanoTime();
            NativeTuning.prepareOnce("PyTorch");
            long t1 = System.nanoTime();
            KeypointBlock b = ModelZoo.create(a[0], 136);
            System.setProperty(ConvolutionCheck.SKIP_PROPERTY, "true");
            b.initialize(
                    m,
                    DataType.FLOAT32,
                    new Shape(1, 1, Integer.parseInt(a[2]), Integer.parseInt(a[1])));
            System.clearProperty(ConvolutionCheck.SKIP_PROPERTY);
            long t2 = System.nanoTime();
            int n = NetworkConvolutions.of(b, 2).length;
            long t3 = System.nanoTime();
            NetworkConvolutions.of(b, 2);
            long t4 = System.nanoTime();
            CheckVerdicts.key("PyTorch", "a check");
            long t5 = System.nanoTime();
            ConvolutionCheck.verify("PyTorch", b);
            long t6 = System.nanoTime();
            System.out.printf(
                    "%s: native adjustments %.1f ms, initialised (check skipped) %.1f ms, its %d"
                            + " convolutions read %.1f ms, again %.1f ms, a verdict key %.1f ms,"
                            + " the check (verdict kept) %.1f ms%n",
                    a[0],
                    (t1 - t0) / 1e6,
                    (t2 - t1) / 1e6,
                    n,
                    (t3 - t2) / 1e6,
                    (t4 - t3) / 1e6,
                    (t5 - t4) / 1e6,
                    (t6 - t5) / 1e6);
        }
    }
}
