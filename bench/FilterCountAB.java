import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;

import io.github.keypoints.models.NoseTipNet;
import io.github.keypoints.models.TorchDefaultInitializer;
import io.github.keypoints.train.MseLoss;
import io.github.keypoints.train.OptimizerStep;
import io.github.keypoints.train.ResumableAdam;

import java.util.Arrays;
import java.util.Locale;
import java.util.Random;

/**
 * Two nose-tip networks that differ only in their first convolution's filter count (e.g. 24, the
 * reference's, and 32), trained side by side in one JVM on one engine: after 50 warm-up steps each,
 * alternating blocks of N steps (the order swapped every pair), each step forward, loss, backward
 * and Adam through {@code OptimizerStep}, finished by reading one value of every parameter (as
 * {@code bench train} does on MXNet). Prints each pair's block medians and the median ratio. It
 * measured why MXNet's training passes pad 24 filters to 32 and PyTorch's do not
 * (docs/performance-training.md, "Zero filters on MXNet"). Since commit b3fbb89 the library pads
 * MXNet's passes itself, so on MXNet run it with {@code -Dkeypoints.mxnetPadChannels=false} to
 * compare the unpadded network.
 *
 * <pre>
 * CP="examples/target/classes:$(cat examples/target/classpath.txt)"
 * ONEDNN_MAX_CPU_ISA=AVX512_CORE OMP_NUM_THREADS=2 MXNET_CPU_PARALLEL_SIZE=1000000000 GLIBC_TUNABLES=&lt;the launcher's&gt; \
 *     java -Dai.djl.offline=true [-Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1] \
 *     -cp "$CP" bench/FilterCountAB.java ENGINE PAIRS STEPS FILTERS_A FILTERS_B   # e.g. MXNet 12 40 24 32
 * </pre>
 */
public final class FilterCountAB {

    private FilterCountAB() {}

    /** One network's trainer and its fixed batch. */
    private static final class Side {
        private static final int BATCH = 15;
        private final Block block;
        private final Trainer trainer;
        private final OptimizerStep step;
        private final float[] x = new float[BATCH * 80 * 60];
        private final float[] y = new float[BATCH * 2];

        Side(String engine, Block network) {
            Random rnd = new Random(0);
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextFloat() - 0.5f;
            }
            for (int i = 0; i < y.length; i++) {
                y[i] = rnd.nextFloat();
            }
            block = new TorchDefaultInitializer(0).install(network);
            Model model = Model.newInstance("ab", Device.cpu(), engine);
            model.setBlock(block);
            ResumableAdam adam = ResumableAdam.builder().setBlock(block).build();
            trainer =
                    model.newTrainer(
                            new DefaultTrainingConfig(new MseLoss(MseLoss.Reduction.MEAN))
                                    .optOptimizer(adam)
                                    .optDevices(new Device[] {Device.cpu()}));
            trainer.initialize(new Shape(1, 1, 60, 80));
            step = OptimizerStep.of(trainer, adam);
        }

        /** One step's ms, until every parameter's update is done. */
        double one() {
            try (NDManager sub = trainer.getManager().newSubManager()) {
                NDArray xa = sub.create(x, new Shape(BATCH, 1, 60, 80));
                NDArray ya = sub.create(y, new Shape(BATCH, 2));
                long t0 = System.nanoTime();
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDList preds = trainer.forward(new NDList(xa), new NDList(ya));
                    gc.backward(trainer.getLoss().evaluate(new NDList(ya), preds));
                }
                step.apply();
                for (var p : block.getParameters().values()) {
                    NDArray arr = p.getArray();
                    try (NDArray first = arr.get(new NDIndex(new long[arr.getShape().dimension()]))) {
                        first.getFloat();
                    }
                }
                return (System.nanoTime() - t0) / 1e6;
            }
        }

        /** The median step ms of a block of {@code n} steps. */
        double block(int n) {
            double[] t = new double[n];
            for (int i = 0; i < n; i++) {
                t[i] = one();
            }
            Arrays.sort(t);
            return t[n / 2];
        }
    }

    public static void main(String[] args) {
        String engine = args[0];
        int pairs = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        int fa = Integer.parseInt(args[3]);
        int fb = Integer.parseInt(args[4]);
        Side a = new Side(engine, NoseTipNet.builder().setOutputs(2).optChannels(fa, 32, 32).build());
        Side b = new Side(engine, NoseTipNet.builder().setOutputs(2).optChannels(fb, 32, 32).build());
        a.block(50);
        b.block(50);
        double[] ta = new double[pairs];
        double[] tb = new double[pairs];
        double[] r = new double[pairs];
        for (int i = 0; i < pairs; i++) {
            if (i % 2 == 0) {
                ta[i] = a.block(n);
                tb[i] = b.block(n);
            } else {
                tb[i] = b.block(n);
                ta[i] = a.block(n);
            }
            r[i] = tb[i] / ta[i];
            System.out.printf(Locale.ROOT, "pair %2d  c1=%d %.2f ms  c1=%d %.2f ms  ratio %.3f%n",
                    i, fa, ta[i], fb, tb[i], r[i]);
        }
        Arrays.sort(ta);
        Arrays.sort(tb);
        Arrays.sort(r);
        System.out.printf(Locale.ROOT,
                "%s medians: c1=%d %.2f ms, c1=%d %.2f ms, ratio of pairs median %.3f (range %.3f-%.3f)%n",
                engine, fa, ta[pairs / 2], fb, tb[pairs / 2], r[pairs / 2], r[0], r[pairs - 1]);
    }
}
