import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.models.KeypointBlock;
import io.github.keypoints.models.KeypointModel;
import io.github.keypoints.models.ModelSpec;
import io.github.keypoints.models.ModelZoo;
import java.nio.file.Path;

/**
 * How long a fresh JVM takes to load a saved model and run its first pass, as a user's program
 * does (docs/performance.md, "Start-up without first-time costs"): first save a zoo network with
 * random weights (68 points), then time {@code KeypointModel.load} and one batch-1 pass in fresh
 * JVMs.
 *
 * <pre>
 * CP="examples/target/classes:$(cat examples/target/classpath.txt)"
 * java -Dai.djl.offline=true -cp "$CP" bench/FirstLoad.java save ARCH WIDTH HEIGHT DIR
 * ONEDNN_MAX_CPU_ISA=AVX512_CORE OMP_NUM_THREADS=2 java -Dai.djl.offline=true \
 *     -cp "$CP" bench/FirstLoad.java load DIR
 * </pre>
 */
public class FirstLoad {
    public static void main(String[] a) throws Exception {
        if (a[0].equals("save")) {
            KeypointBlock block = ModelZoo.create(a[1], 136);
            ModelSpec spec =
                    ModelSpec.builder()
                            .setBlock(block)
                            .setScheme(LandmarkScheme.IBUG_68)
                            .setInputSize(Integer.parseInt(a[2]), Integer.parseInt(a[3]))
                            .build();
            try (KeypointModel m = KeypointModel.create(spec, block, "PyTorch", Device.cpu())) {
                m.save(Path.of(a[4]));
            }
            return;
        }
        long t0 = System.nanoTime();
        try (NDManager engineUp = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            engineUp.zeros(new Shape(1)).toFloatArray();
            long t1 = System.nanoTime();
            try (KeypointModel m = KeypointModel.load(Path.of(a[1]), "PyTorch", Device.cpu())) {
                long t2 = System.nanoTime();
                ModelSpec s = m.spec();
                Shape in = new Shape(1, s.inputChannels(), s.inputHeight(), s.inputWidth());
                try (NDManager scratch = m.model().getNDManager().newSubManager()) {
                    m.forward(scratch.zeros(in)).toFloatArray();
                }
                long t3 = System.nanoTime();
                System.out.printf(
                        "%s: engine %.0f ms, load %.0f ms, first pass %.0f ms, engine up to first"
                                + " output %.0f ms%n",
                        s.architecture(),
                        (t1 - t0) / 1e6,
                        (t2 - t1) / 1e6,
                        (t3 - t2) / 1e6,
                        (t3 - t1) / 1e6);
            }
        }
    }
}
