import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.models.ModelZoo;
import io.github.keypoints.train.LandmarkRecipe;
import java.util.List;
import java.util.Locale;

/**
 * How close the benchmarks' networks can get to this machine's arithmetic limit: each network's
 * multiply-adds per image (every {@link Conv2d} and {@link Linear} of its block tree, read after
 * initialising it at the benchmark's input), the floating-point operations of one batch-1 pass and
 * of one training step (forward, the input gradients of every layer but the first, the weight
 * gradients: about three forward passes), and the time those take at a given rate: the machine's
 * matrix-product rate, which {@code bench/peak_gflops.py} measures (a 4096×4096 single-precision
 * product in the Python reference's PyTorch, on OpenBLAS). No network runs faster than that bound, on either side of a side-by-side benchmark; a
 * network whose measured time is near it has no room left (docs/performance.md, "How close to the
 * arithmetic limit").
 *
 * <p>Run from the repository root after the launcher has built the project:
 *
 * <pre>
 * CP="examples/target/classes:$(cat examples/target/classpath.txt)"
 * /usr/bin/python3 bench/peak_gflops.py 2        # prints the rate, GFLOP/s
 * java -Dai.djl.offline=true -cp "$CP" bench/ComputeBound.java RATE
 * </pre>
 */
public final class ComputeBound {

    private ComputeBound() {}

    /** A benchmark case: a zoo network (or the landmarker's) at an input and a batch. */
    private record Case(String label, String model, int width, int height, int outputs, int batch) {}

    public static void main(String[] args) throws Exception {
        List<Case> cases =
                List.of(
                        new Case("nose tip (infer)", "nose-tip", 80, 60, 2, 1),
                        new Case("imm58 (infer)", "imm58", 240, 180, 116, 1),
                        new Case("ResNet-18 224 (infer)", "resnet18", 224, 224, 136, 1),
                        new Case("ResNet-18 96 (infer)", "resnet18", 96, 96, 136, 1),
                        new Case("heatmap (infer)", "heatmap", 120, 90, 116, 1),
                        new Case("landmark-cnn (infer)", "landmark-cnn", 64, 64, 136, 1),
                        new Case("landmarker's network (infer)", "landmarker", 0, 0, 136, 1),
                        new Case("imm58 step (train)", "imm58", 240, 180, 116, 32),
                        new Case("nose tip step (train)", "nose-tip", 80, 60, 2, 15),
                        new Case("imm58 120x90 step (epoch)", "imm58", 120, 90, 116, 32));
        if (args.length != 1) {
            throw new IllegalArgumentException(
                    "usage: ComputeBound GFLOPS (the machine's matrix-product rate, from"
                            + " bench/peak_gflops.py)");
        }
        double gflops = Double.parseDouble(args[0]);
        try (Model model = Model.newInstance("compute-bound", Device.cpu(), "MXNet")) {
            NDManager manager = model.getNDManager();
            System.out.printf(Locale.ROOT, "bound at %.1f GFLOP/s%n", gflops);
            System.out.printf(
                    Locale.ROOT,
                    "%-30s %9s %6s %12s %12s %14s%n",
                    "case",
                    "input",
                    "batch",
                    "MMAC/image",
                    "GFLOP/pass",
                    "bound ms/pass");
            for (Case c : cases) {
                LandmarkRecipe recipe = LandmarkRecipe.ibug68();
                boolean landmarker = "landmarker".equals(c.model());
                Block block =
                        landmarker
                                ? recipe.newBlock(LandmarkScheme.IBUG_68, 0)
                                : ModelZoo.create(c.model(), c.outputs());
                int w = landmarker ? recipe.inputWidth() : c.width();
                int h = landmarker ? recipe.inputHeight() : c.height();
                block.initialize(manager, DataType.FLOAT32, new Shape(1, 1, h, w));
                long[] macs = new long[2]; // all layers, the first layer
                walk(block, macs, new boolean[] {true});
                // A training step: forward, input gradients of every layer but the one on the
                // image, weight gradients.
                double perImage =
                        c.batch() == 1 ? macs[0] : 3.0 * macs[0] - macs[1];
                double gflop = 2.0 * perImage * c.batch() / 1e9;
                System.out.printf(
                        Locale.ROOT,
                        "%-30s %9s %6d %12.1f %12.3f %14.2f%n",
                        c.label(),
                        w + "x" + h,
                        c.batch(),
                        macs[0] / 1e6,
                        gflop,
                        gflop / gflops * 1e3);
            }
        }
    }

    /** Sums the multiply-adds per image of every convolution and dense layer under {@code b}. */
    private static void walk(Block b, long[] macs, boolean[] first) {
        if (b instanceof Conv2d conv) {
            Shape in = conv.getInputShapes()[0];
            Shape out = conv.getOutputShapes(new Shape[] {in})[0];
            long weights = conv.getParameters().get("weight").getArray().getShape().size();
            long m = weights * out.get(2) * out.get(3);
            add(macs, first, m);
            return;
        }
        if (b instanceof Linear linear) {
            add(macs, first, linear.getParameters().get("weight").getArray().getShape().size());
            return;
        }
        for (Block child : b.getChildren().values()) {
            walk(child, macs, first);
        }
    }

    private static void add(long[] macs, boolean[] first, long m) {
        macs[0] += m;
        if (first[0]) {
            macs[1] = m;
            first[0] = false;
        }
    }
}
