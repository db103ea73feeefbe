package io.github.keypoints.models;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.nio.file.Files;

/**
 * What parts of a fresh JVM's start-up checks cost (docs/performance.md, "The start-up check's
 * verdicts kept across JVMs"): libtorch's NNPACK switch and oneDNN's cache-size correction, the
 * matrix-product check run cold (after one product has warmed MKL) and again, and, for a kept
 * verdict, computing its key the first and the second time and reading it. It reaches the library's
 * package-private classes, so it is compiled into the package rather than run as a single file:
 *
 * <pre>
 * CP="examples/target/classes:$(cat examples/target/classpath.txt)"
 * javac -d runs/startup -cp "$CP" bench/StartUpParts.java
 * ONEDNN_MAX_CPU_ISA=AVX512_CORE OMP_NUM_THREADS=2 java -Dai.djl.offline=true \
 *     -Dkeypoints.convolution.check.cache=false -Dkeypoints.mklCpuFeatures=false \
 *     -cp "runs/startup:$CP" io.github.keypoints.models.StartUpParts
 * </pre>
 *
 * <p>The two properties keep the product check comparing (no verdict read) and keep the library's
 * own adjustments from running it before it is timed.
 */
public class StartUpParts {
    public static void main(String[] a) throws Exception {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            m.zeros(new Shape(1)).toFloatArray(); // the engine up
            long t0 = System.nanoTime();
            TorchNnpack.turnOffOnce("PyTorch");
            long t1 = System.nanoTime();
            TorchOneDnnCaches.prepareOnce("PyTorch");
            long t2 = System.nanoTime();
            m.randomUniform(0f, 1f, new Shape(15, 1037))
                    .matMul(m.randomUniform(0f, 1f, new Shape(1037, 131)))
                    .toFloatArray();
            long t3 = System.nanoTime();
            ProductCheck.firstWrong("PyTorch");
            long t4 = System.nanoTime();
            ProductCheck.firstWrong("PyTorch");
            long t5 = System.nanoTime();
            System.setProperty(
                    CheckVerdicts.DIR_PROPERTY,
                    Files.createTempDirectory("verdicts").toString());
            String key = CheckVerdicts.key("PyTorch", "a check");
            long t6 = System.nanoTime();
            CheckVerdicts.key("PyTorch", "another check");
            long t7 = System.nanoTime();
            CheckVerdicts.recordRight(key);
            long t8 = System.nanoTime();
            boolean right = CheckVerdicts.isRight(key);
            long t9 = System.nanoTime();
            System.out.printf(
                    "nnpack %.1f ms, onednn caches %.1f ms, first product %.1f ms, product check"
                            + " %.1f ms, again %.1f ms, key %.1f ms, again %.1f ms, keep %.1f ms,"
                            + " read %.1f ms (%s)%n",
                    (t1 - t0) / 1e6,
                    (t2 - t1) / 1e6,
                    (t3 - t2) / 1e6,
                    (t4 - t3) / 1e6,
                    (t5 - t4) / 1e6,
                    (t6 - t5) / 1e6,
                    (t7 - t6) / 1e6,
                    (t8 - t7) / 1e6,
                    (t9 - t8) / 1e6,
                    right);
        }
    }
}
