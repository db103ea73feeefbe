import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

import io.github.keypoints.data.dataset.TensorUpload;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Locale;

/**
 * Times one training batch's upload (the 58-point epoch's batch: 32 × 1 × 90 × 120 floats, 1.38
 * MB) into a tensor on one engine, DJL's {@code create(FloatBuffer.wrap(values), shape)} against
 * {@code TensorUpload.floats}, in alternating blocks of 200 uploads, four blocks each: the median
 * and 90th percentile ms of each block (docs/training.md, "Memory").
 *
 * <p>Run from the repository root after the launcher has built the project:
 *
 * <pre>
 * CP="examples/target/classes:$(cat examples/target/classpath.txt)"
 * ONEDNN_MAX_CPU_ISA=AVX512_CORE OMP_NUM_THREADS=2 GLIBC_TUNABLES=... java -Dai.djl.offline=true \
 *     -cp "$CP" bench/UploadAB.java ENGINE
 * </pre>
 *
 * with {@code GLIBC_TUNABLES} as the launcher sets it ({@code NativeMemorySettings}).
 */
public final class UploadAB {

    private UploadAB() {}

    public static void main(String[] args) {
        String engine = args[0];
        float[] values = new float[32 * 90 * 120];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 1e-3f;
        }
        Shape shape = new Shape(32, 1, 90, 120);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            for (int block = 0; block < 4; block++) {
                for (String way : new String[] {"djl", "TensorUpload"}) {
                    double[] ms = new double[200];
                    for (int i = 0; i < ms.length; i++) {
                        long t0 = System.nanoTime();
                        try (NDManager sub = manager.newSubManager()) {
                            NDArray x =
                                    "djl".equals(way)
                                            ? sub.create(FloatBuffer.wrap(values), shape)
                                            : TensorUpload.floats(sub, values, shape);
                            ms[i] = (System.nanoTime() - t0) / 1e6;
                        }
                    }
                    Arrays.sort(ms);
                    System.out.printf(
                            Locale.ROOT,
                            "%s %-12s median %.3f ms, p90 %.3f ms%n",
                            engine,
                            way,
                            ms[ms.length / 2],
                            ms[ms.length * 9 / 10]);
                }
            }
        }
    }
}
