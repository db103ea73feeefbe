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
 * A prototype for PyTorch's training step (issue 12, item 3): what the gradients' bookkeeping
 * costs. The library's step ({@code GradientCollector.backward}, which accumulates each gradient
 * into the parameter's {@code .grad}, then {@code OptimizerStep.apply}: libtorch's fused Adam and
 * the gradients zeroed) against one TorchScript call that takes the loss and computes the
 * gradients with {@code torch.autograd.grad} — fresh arrays, nothing accumulated or zeroed, as
 * Python's {@code zero_grad(set_to_none=True)} leaves it — and hands them to the same fused Adam
 * kernel. Same network, batch, loss and kernel; blocks of steps alternate in one JVM and each
 * block's median step is printed, then the median over the blocks of each form.
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
        int batch = imm58 ? 32 : 15;
        int width = imm58 ? 240 : 80;
        int height = imm58 ? 180 : 60;
        int outputs = imm58 ? 116 : 2;
        Random rnd = new Random(0);
        float[] x = new float[batch * width * height];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat() - 0.5f;
        }
        float[] y = new float[batch * outputs];
        for (int i = 0; i < y.length; i++) {
            y[i] = rnd.nextFloat();
        }
        Shape xs = new Shape(batch, 1, height, width);
        Block block =
                new TorchDefaultInitializer(0)
                        .install(ModelZoo.create(imm58 ? "imm58" : "nose-tip", outputs));
        try (Model model = Model.newInstance("grad-ab", Device.cpu(), "PyTorch")) {
            model.setBlock(block);
            ResumableAdam adam = ResumableAdam.builder().setBlock(block).build();
            try (Trainer trainer =
                    model.newTrainer(
                            new DefaultTrainingConfig(new MseLoss(MseLoss.Reduction.MEAN))
                                    .optOptimizer(adam)
                                    .optDevices(new Device[] {Device.cpu()}))) {
                trainer.initialize(new Shape(1, 1, height, width));
                OptimizerStep step = OptimizerStep.of(trainer, adam);
                List<NDArray> weights = new ArrayList<>();
                for (Pair<String, Parameter> p : block.getParameters()) {
                    weights.add(p.getValue().getArray());
                }
                int n = weights.size();
                List<NDArray> means = new ArrayList<>();
                List<NDArray> variances = new ArrayList<>();
                for (NDArray w : weights) {
                    NDArray m = w.mul(0);
                    m.detach();
                    means.add(m);
                    NDArray v = w.mul(0);
                    v.detach();
                    variances.add(v);
                }
                try (Model module = Model.newInstance("grad-adam", Device.cpu(), "PyTorch")) {
                    module.load(
                            new ByteArrayInputStream(
                                    TorchScriptArchive.of(code(n), List.of()).bytes()));
                    Block gradAdam = module.getBlock();
                    check(imm58 ? "imm58" : "nose-tip", outputs, xs, x, y, batch, gradAdam);
                    double[][] med = new double[2][blocks];
                    int[] t = {0};
                    for (int b = 0; b < blocks; b++) {
                        for (int form = 0; form < 2; form++) {
                            double[] ms = new double[steps];
                            for (int s = 0; s < steps; s++) {
                                try (NDManager sub = trainer.getManager().newSubManager()) {
                                    NDArray xa = TensorUpload.floats(sub, x, xs);
                                    NDArray ya =
                                            TensorUpload.floats(
                                                    sub, y, new Shape(batch, outputs));
                                    long t0 = System.nanoTime();
                                    try (GradientCollector gc = trainer.newGradientCollector()) {
                                        NDList preds =
                                                trainer.forward(new NDList(xa), new NDList(ya));
                                        NDArray loss =
                                                trainer.getLoss()
                                                        .evaluate(new NDList(ya), preds);
                                        if (form == 0) {
                                            gc.backward(loss);
                                        } else {
                                            t[0]++;
                                            fused(gradAdam, sub, loss, weights, means, variances,
                                                    t[0]);
                                        }
                                    }
                                    if (form == 0) {
                                        step.apply();
                                    }
                                    ms[s] = (System.nanoTime() - t0) / 1e6;
                                }
                            }
                            med[form][b] = median(ms);
                        }
                        System.out.printf(
                                Locale.ROOT,
                                "block %2d: library step %.2f ms, autograd.grad + fused Adam %.2f"
                                        + " ms%n",
                                b,
                                med[0][b],
                                med[1][b]);
                    }
                    double a = median(Arrays.copyOfRange(med[0], 1, blocks));
                    double g = median(Arrays.copyOfRange(med[1], 1, blocks));
                    System.out.printf(
                            Locale.ROOT,
                            "median over blocks 1..%d: library %.2f ms, autograd.grad + fused Adam"
                                    + " %.2f ms, ratio %.3f%n",
                            blocks - 1,
                            a,
                            g,
                            g / a);
                }
            }
        }
    }

    /**
     * Trains three fresh copies of the network from the same start for five steps, the library's
     * way twice and the prototype's once, and prints how far apart their weights end up: the
     * library's two runs give the run-to-run spread of the kernels (oneDNN's multi-threaded
     * reductions are not bit for bit repeatable), against which the prototype's distance reads.
     */
    private static void check(
            String name,
            int outputs,
            Shape xs,
            float[] x,
            float[] y,
            int batch,
            Block gradAdam) {
        float[][] result = new float[3][];
        for (int run = 0; run < 3; run++) {
            int form = run == 2 ? 1 : 0;
            Block block = new TorchDefaultInitializer(0).install(ModelZoo.create(name, outputs));
            try (Model model = Model.newInstance("check", Device.cpu(), "PyTorch")) {
                model.setBlock(block);
                ResumableAdam adam = ResumableAdam.builder().setBlock(block).build();
                try (Trainer trainer =
                        model.newTrainer(
                                new DefaultTrainingConfig(new MseLoss(MseLoss.Reduction.MEAN))
                                        .optOptimizer(adam)
                                        .optDevices(new Device[] {Device.cpu()}))) {
                    trainer.initialize(new Shape(1, 1, xs.get(2), xs.get(3)));
                    OptimizerStep step = OptimizerStep.of(trainer, adam);
                    List<NDArray> weights = new ArrayList<>();
                    for (Pair<String, Parameter> p : block.getParameters()) {
                        weights.add(p.getValue().getArray());
                    }
                    List<NDArray> means = new ArrayList<>();
                    List<NDArray> variances = new ArrayList<>();
                    for (NDArray w : weights) {
                        NDArray m = w.mul(0);
                        m.detach();
                        means.add(m);
                        NDArray v = w.mul(0);
                        v.detach();
                        variances.add(v);
                    }
                    for (int s = 1; s <= 5; s++) {
                        try (NDManager sub = trainer.getManager().newSubManager()) {
                            NDArray xa = TensorUpload.floats(sub, x, xs);
                            NDArray ya = TensorUpload.floats(sub, y, new Shape(batch, outputs));
                            try (GradientCollector gc = trainer.newGradientCollector()) {
                                NDList preds = trainer.forward(new NDList(xa), new NDList(ya));
                                NDArray loss = trainer.getLoss().evaluate(new NDList(ya), preds);
                                if (form == 0) {
                                    gc.backward(loss);
                                } else {
                                    fused(gradAdam, sub, loss, weights, means, variances, s);
                                }
                            }
                            if (form == 0) {
                                step.apply();
                            }
                        }
                    }
                    List<float[]> all = new ArrayList<>();
                    int total = 0;
                    for (NDArray w : weights) {
                        float[] f = w.toFloatArray();
                        all.add(f);
                        total += f.length;
                    }
                    result[run] = new float[total];
                    int k = 0;
                    for (float[] f : all) {
                        System.arraycopy(f, 0, result[run], k, f.length);
                        k += f.length;
                    }
                    for (NDArray a : means) {
                        a.close();
                    }
                    for (NDArray a : variances) {
                        a.close();
                    }
                }
            }
        }
        float same = 0;
        float other = 0;
        float maxAbs = 0;
        for (int i = 0; i < result[0].length; i++) {
            same = Math.max(same, Math.abs(result[0][i] - result[1][i]));
            other = Math.max(other, Math.abs(result[0][i] - result[2][i]));
            maxAbs = Math.max(maxAbs, Math.abs(result[0][i]));
        }
        System.out.printf(
                Locale.ROOT,
                "check: after 5 steps from the same start, weights differ by at most %.3g between"
                        + " two runs of the library's step and %.3g between it and the prototype"
                        + " (largest weight %.3g)%n",
                same,
                other,
                maxAbs);
    }

    private static void fused(
            Block module,
            NDManager sub,
            NDArray loss,
            List<NDArray> weights,
            List<NDArray> means,
            List<NDArray> variances,
            int step) {
        double coef2 = 1.0 - Math.pow(0.999f, step); // ResumableAdam's betas are floats
        NDList args = new NDList();
        // ResumableAdam's defaults, as the library's fused call passes them (float values).
        args.add(sub.create(new double[] {1e-3f, 1e-8f / Math.sqrt(coef2), 0}));
        args.add(sub.create((float) step));
        args.add(loss);
        args.addAll(weights);
        args.addAll(means);
        args.addAll(variances);
        module.forward(new ParameterStore(sub, false), args, false).close();
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

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
                .append(" lr=float(hyper[0]), beta1=")
                .append((double) 0.9f)
                .append(", beta2=")
                .append((double) 0.999f)
                .append(",")
                .append(" weight_decay=float(hyper[2]), eps=float(hyper[1]), amsgrad=False,")
                .append(" maximize=False, grad_scale=None, found_inf=None)\n")
                .append("    return gs[0]\n");
        return c.toString();
    }
}
