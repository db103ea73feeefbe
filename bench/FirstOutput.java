import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.github.keypoints.models.KeypointBlock;
import io.github.keypoints.models.ModelZoo;

/**
 * How long a fresh JVM takes from PyTorch's engine being up to a zoo network's first output, and
 * how much of it is the library's start-up check of the network's convolutions ({@code
 * ConvolutionCheck}, run when the network is initialised); run it with and without {@code
 * -Dkeypoints.convolution.check.skip=true} and {@code -Dkeypoints.convolution.check.cache=false},
 * one JVM each (docs/performance.md, "The start-up check's verdicts kept across JVMs").
 *
 * <pre>
 * CP="examples/target/classes:$(cat examples/target/classpath.txt)"
 * ONEDNN_MAX_CPU_ISA=AVX512_CORE OMP_NUM_THREADS=2 java -Dai.djl.offline=true \
 *     -Dkeypoints.convolution.check.skip=S -cp "$CP" bench/FirstOutput.java ARCH WIDTH HEIGHT
 * </pre>
 *
 * <p>Prints the engine's start, the initialisation (with the check), the first and second passes
 * at batch 1 and the time from the engine being up to the first output.
 */
public class FirstOutput {
    public static void main(String[] a) {
        String arch = a[0];
        int w = Integer.parseInt(a[1]);
        int h = Integer.parseInt(a[2]);
        long t0 = System.nanoTime();
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            m.zeros(new Shape(1)).toFloatArray(); // the engine up
            long t1 = System.nanoTime();
            KeypointBlock b = ModelZoo.create(arch, 136);
            Shape s = new Shape(1, 1, h, w);
            b.initialize(m, DataType.FLOAT32, s);
            long t2 = System.nanoTime();
            NDArray x = m.randomUniform(0f, 1f, s);
            b.forward(new ParameterStore(m, false), new NDList(x), false).head().toFloatArray();
            long t3 = System.nanoTime();
            b.forward(new ParameterStore(m, false), new NDList(x), false).head().toFloatArray();
            long t4 = System.nanoTime();
            System.out.printf(
                    "%s check skipped %s: engine %.0f ms, initialise %.0f ms, first pass %.0f ms,"
                            + " second %.1f ms, engine up to first output %.0f ms%n",
                    arch,
                    System.getProperty("keypoints.convolution.check.skip", "false"),
                    (t1 - t0) / 1e6,
                    (t2 - t1) / 1e6,
                    (t3 - t2) / 1e6,
                    (t4 - t3) / 1e6,
                    (t3 - t1) / 1e6);
        }
    }
}
