import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.util.Pair;

import io.github.keypoints.data.dataset.TensorUpload;
import io.github.keypoints.models.ModelZoo;
import io.github.keypoints.models.TorchDefaultInitializer;
import io.github.keypoints.models.TorchScriptArchive;
import io.github.keypoints.train.MseLoss;
import io.github.keypoints.train.OptimizerStep;
import io.github.keypoints.train.ResumableAdam;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * What the gradients' bookkeeping costs PyTorch's training step (issue 12, item 3), three forms
 * side by side: the library's step with accumulated gradients ({@code GradientCollector.backward},
 * which adds each gradient into the parameter's {@code .grad}, then {@code OptimizerStep.apply}:
 * libtorch's fused Adam and the gradients zeroed); the library's step with fresh gradients ({@code
 * OptimizerStep.Gradients.FRESH}: {@code step.backward(collector, loss)} asks autograd for them as
 * arrays of their own, nothing accumulated or zeroed, then the fused kernel); and the prototype
 * that came before it, one TorchScript call that takes the loss, computes the gradients with
 * {@code torch.autograd.grad} and hands them to the same fused Adam kernel. Same network, batch,
 * loss and kernel; blocks of steps rotate through the forms in one JVM and each block's median
 * step is printed, then the median over the blocks of each form.
 *
 * <p>Run from the repository root after the launcher has built the project:
 *
 * <pre>
 * CP="examples/target/classes:$(cat examples/target/classpath.txt)"
 * ONEDNN_MAX_CPU_ISA=AVX512_CORE OMP_NUM_THREADS=2 GLIBC_TUNABLES=... java -Dai.djl.offline=true \
 *     -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1 -cp "$CP" \
 *     bench/GradStepAB.java [imm58] [BLOCKS] [STEPS]
 * </pre>
 *
 * with {@code GLIBC_TUNABLES} as the launcher sets it; default the nose-tip case (batch 15 at
 * 80×60), 12 blocks of 40 steps.
 */
public final class GradStepAB {

    private GradStepAB() {}

    public static void main(String[] args) throws Exception {
        boolean imm58 = args.length > 0 && "imm58".equals(args[0]);
        int off = imm58 ? 1 : 0;
        int blocks = args.length > off ? Integer.parseInt(args[off]) : 12;
        int steps = args.length > off + 1 ? Integer.parseInt(args[off + 1]) : 40;
        try (Net net = new Net(imm58);
                Model module = Model.newInstance("grad-adam", Device.cpu(), "PyTorch")) {
            module.load(
                    new ByteArrayInputStream(
                            TorchScriptArchive.of(code(net.weights.size()), List.of()).bytes()));
            Block gradAdam = module.getBlock();
            check(imm58, gradAdam);
            double[][] med = new double[FORMS.length][blocks];
            for (int b = 0; b < blocks; b++) {
                // Each block starts with another form, so none is always first or last.
                for (int k = 0; k < FORMS.length; k++) {
                    int form = (b + k) % FORMS.length;
                    double[] ms = new double[steps];
                    for (int s = 0; s < steps; s++) {
                        ms[s] = net.step(form, gradAdam);
                    }
                    med[form][b] = median(ms);
                }
                System.out.printf(
                        Locale.ROOT,
                        "block %2d: %s %.2f ms, %s %.2f ms, %s %.2f ms%n",
                        b,
                        FORMS[0],
                        med[0][b],
                        FORMS[1],
                        med[1][b],
                        FORMS[2],
                        med[2][b]);
            }
            double a = median(Arrays.copyOfRange(med[0], 1, blocks));
            double f = median(Arrays.copyOfRange(med[1], 1, blocks));
            double g = median(Arrays.copyOfRange(med[2], 1, blocks));
            System.out.printf(
                    Locale.ROOT,
                    "median over blocks 1..%d: %s %.2f ms, %s %.2f ms (ratio %.3f), %s %.2f ms"
                            + " (ratio %.3f)%n",
                    blocks - 1,
                    FORMS[0],
                    a,
                    FORMS[1],
                    f,
                    f / a,
                    FORMS[2],
                    g,
                    g / a);
        }
    }

    /** The forms of a step, in the order {@link Net#step} numbers them. */
    private static final String[] FORMS = {
        "library, accumulated gradients", "library, fresh gradients", "one-call prototype"
    };

    /**
     * Trains four fresh copies of the network from the same start for five steps, with accumulated
     * gradients twice, then with fresh ones and the prototype's way, and prints how far apart their
     * weights end up: the first two runs give the run-to-run spread of the kernels, against which
     * the others' distances read.
     */
    private static void check(boolean imm58, Block gradAdam) {
        float[][] result = new float[4][];
        for (int run = 0; run < 4; run++) {
            try (Net net = new Net(imm58)) {
                for (int s = 0; s < 5; s++) {
                    net.step(Math.max(0, run - 1), gradAdam);
                }
                result[run] = net.flatWeights();
            }
        }
        float same = 0;
        float fresh = 0;
        float prototype = 0;
        float maxAbs = 0;
        for (int i = 0; i < result[0].length; i++) {
            same = Math.max(same, Math.abs(result[0][i] - result[1][i]));
            fresh = Math.max(fresh, Math.abs(result[0][i] - result[2][i]));
            prototype = Math.max(prototype, Math.abs(result[0][i] - result[3][i]));
            maxAbs = Math.max(maxAbs, Math.abs(result[0][i]));
        }
        System.out.printf(
                Locale.ROOT,
                "check: after 5 steps from the same start, weights differ by at most %.3g between"
                        + " two runs with accumulated gradients, %.3g between them and fresh"
                        + " gradients, %.3g between them and the prototype (largest weight %.3g)%n",
                same,
                fresh,
                prototype,
                maxAbs);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** The module's TorchScript source: gradients from the loss, then libtorch's fused Adam. */
    private static String code(int n) {
        StringBuilder c = new StringBuilder(TorchScriptArchive.HEADER);
        c.append("  def forward(self: __torch__.Net,\n    hyper: Tensor,\n    step: Tensor,\n")
                .append("    loss: Tensor");
        for (String p : new String[] {"w", "m", "v"}) {
            for (int i = 0; i < n; i++) {
                c.append(",\n    ").append(p).append(i).append(": Tensor");
            }
        }
        c.append(") -> Tensor:\n");
        for (String p : new String[] {"w", "m", "v"}) {
            c.append("    ").append(p).append("s = [");
            for (int i = 0; i < n; i++) {
                c.append(i == 0 ? "" : ", ").append(p).append(i);
            }
            c.append("]\n");
        }
        c.append("    grads = torch.autograd.grad([loss], ws)\n")
                .append("    gs = annotate(List[Tensor], [])\n")
                .append("    for g in grads:\n")
                .append("      gs.append(unchecked_cast(Tensor, g))\n")
                .append("    steps = annotate(List[Tensor], [])\n")
                .append("    for i in range(")
                .append(n)
                .append("):\n")
                .append("      steps.append(step)\n")
                .append("    torch._fused_adam_(ws, gs, ms, vs, annotate(List[Tensor], []), steps,")
                // ResumableAdam's betas are floats; the library's fused call passes them widened.
                .append(" lr=float(hyper[0]), beta1=")
                .append((double) 0.9f)
                .append(", beta2=")
                .append((double) 0.999f)
                .append(", weight_decay=float(hyper[2]), eps=float(hyper[1]), amsgrad=False,")
                .append(" maximize=False, grad_scale=None, found_inf=None)\n")
                .append("    return gs[0]\n");
        return c.toString();
    }

    /**
     * A case's network, trainer, {@code ResumableAdam} and fixed batch on PyTorch, with moments of
     * its own for the prototype (zeros laid out like each weight, as the library makes them).
     */
    private static final class Net implements AutoCloseable {
        private final Model model;
        private final Trainer trainer;
        private final OptimizerStep step;
        private final OptimizerStep freshStep;
        private final List<NDArray> weights = new ArrayList<>();
        private final List<NDArray> means = new ArrayList<>();
        private final List<NDArray> variances = new ArrayList<>();
        private final float[] x;
        private final float[] y;
        private final Shape xs;
        private final Shape ys;
        private int t;

        Net(boolean imm58) {
            int batch = imm58 ? 32 : 15;
            int width = imm58 ? 240 : 80;
            int height = imm58 ? 180 : 60;
            int outputs = imm58 ? 116 : 2;
            Random rnd = new Random(0);
            x = new float[batch * width * height];
            for (int i = 0; i < x.length; i++) {
                x[i] = rnd.nextFloat() - 0.5f;
            }
            y = new float[batch * outputs];
            for (int i = 0; i < y.length; i++) {
                y[i] = rnd.nextFloat();
            }
            xs = new Shape(batch, 1, height, width);
            ys = new Shape(batch, outputs);
            Block block =
                    new TorchDefaultInitializer(0)
                            .install(ModelZoo.create(imm58 ? "imm58" : "nose-tip", outputs));
            model = Model.newInstance("grad-ab", Device.cpu(), "PyTorch");
            model.setBlock(block);
            ResumableAdam adam = ResumableAdam.builder().setBlock(block).build();
            trainer =
                    model.newTrainer(
                            new DefaultTrainingConfig(new MseLoss(MseLoss.Reduction.MEAN))
                                    .optOptimizer(adam)
                                    .optDevices(new Device[] {Device.cpu()}));
            trainer.initialize(new Shape(1, 1, height, width));
            step = OptimizerStep.of(trainer, adam, OptimizerStep.Gradients.ACCUMULATED);
            freshStep = OptimizerStep.of(trainer, adam, OptimizerStep.Gradients.FRESH);
            for (Pair<String, Parameter> p : block.getParameters()) {
                NDArray w = p.getValue().getArray();
                weights.add(w);
                NDArray m = w.mul(0);
                m.detach();
                means.add(m);
                NDArray v = w.mul(0);
                v.detach();
                variances.add(v);
            }
        }

        /**
         * One step of the given form ({@link #FORMS}: the library's step with accumulated or with
         * fresh gradients, or the prototype's one call); returns its ms.
         */
        double step(int form, Block gradAdam) {
            try (NDManager sub = trainer.getManager().newSubManager()) {
                NDArray xa = TensorUpload.floats(sub, x, xs);
                NDArray ya = TensorUpload.floats(sub, y, ys);
                long t0 = System.nanoTime();
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDList preds = trainer.forward(new NDList(xa), new NDList(ya));
                    NDArray loss = trainer.getLoss().evaluate(new NDList(ya), preds);
                    if (form == 0) {
                        gc.backward(loss);
                    } else if (form == 1) {
                        freshStep.backward(gc, loss);
                    } else {
                        t++;
                        // ResumableAdam's defaults, as the library's fused call passes them.
                        double coef2 = 1.0 - Math.pow(0.999f, t);
                        NDList args = new NDList();
                        args.add(sub.create(new double[] {1e-3f, 1e-8f / Math.sqrt(coef2), 0}));
                        args.add(sub.create((float) t));
                        args.add(loss);
                        args.addAll(weights);
                        args.addAll(means);
                        args.addAll(variances);
                        gradAdam.forward(new ParameterStore(sub, false), args, false).close();
                    }
                }
                if (form == 0) {
                    step.apply();
                } else if (form == 1) {
                    freshStep.apply();
                }
                return (System.nanoTime() - t0) / 1e6;
            }
        }

        float[] flatWeights() {
            List<float[]> all = new ArrayList<>();
            int total = 0;
            for (NDArray w : weights) {
                float[] f = w.toFloatArray();
                all.add(f);
                total += f.length;
            }
            float[] out = new float[total];
            int k = 0;
            for (float[] f : all) {
                System.arraycopy(f, 0, out, k, f.length);
                k += f.length;
            }
            return out;
        }

        @Override
        public void close() {
            means.forEach(NDArray::close);
            variances.forEach(NDArray::close);
            trainer.close();
            model.close();
        }
    }
}
