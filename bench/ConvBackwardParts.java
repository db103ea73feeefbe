import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

import io.github.keypoints.models.TorchScriptArchive;

import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the parts of one 3×3 convolution's backward pass cost on libtorch: {@code
 * aten::convolution_backward} asked for the weight gradient alone, with the bias gradient, with
 * the input gradient, or all three, and the weight gradient followed by the bias gradient as a
 * separate sum; and, for comparison, the weight gradient as matrix products over blocks of rows of
 * the channels-last input (im2col blocks of {@code ROWS} output rows, {@code addmm_} into one
 * result), the formulation a convolution's weight gradient has as a GEMM. Each runs inside a small
 * TorchScript module ({@link TorchScriptArchive}), so no JNI call sits between its operators.
 * Input and output gradient are random and channels-last, the weights channels-last, as in the
 * library's training passes; every variant's weight gradient is compared with the first's.
 * (docs/performance-training.md, "The bias after the pooling".)
 *
 * <p>Run from the repository root after the launcher has built the project:
 *
 * <pre>
 * CP="examples/target/classes:$(cat examples/target/classpath.txt)"
 * ONEDNN_MAX_CPU_ISA=AVX512_CORE OMP_NUM_THREADS=2 GLIBC_TUNABLES=... java -Dai.djl.offline=true \
 *     -Dai.djl.pytorch.num_threads=2 -Dai.djl.pytorch.num_interop_threads=1 \
 *     -cp "$CP" bench/ConvBackwardParts.java N C_IN C_OUT H W REPS [ROWS]
 * </pre>
 *
 * with {@code GLIBC_TUNABLES} as the launcher sets it, e.g. {@code 32 32 64 178 238 8 32} for the
 * 58-point network's second convolution in a training step (batch 32 at 240×180). Medians over
 * the repetitions after the first, all variants taking turns in each.
 */
public final class ConvBackwardParts {

    private ConvBackwardParts() {}

    private static final String[] NAMES = {
        "weight gradient",
        "weight and bias gradients (one call)",
        "weight gradient, then the bias's as a sum",
        "input and weight gradients (one call)",
        "input, weight and bias gradients (one call)",
        "weight gradient as blocked matrix products"
    };

    private static String code(int variant, int rows) {
        String call = "torch.convolution_backward(dy, x, w, %s, [1, 1], [0, 0], [1, 1], False,"
                + " [0, 0], 1, [%s])\n";
        StringBuilder c = new StringBuilder(TorchScriptArchive.HEADER);
        c.append("  def forward(self: __torch__.Net, x: Tensor, dy: Tensor, w: Tensor)"
                + " -> Tensor:\n");
        switch (variant) {
            case 0 -> c.append("    r = ").append(String.format(call, "None", "False, True, False"));
            case 1 -> c.append("    r = ")
                    .append(String.format(call, "[w.size(0)]", "False, True, True"));
            case 2 -> c.append("    r = ")
                    .append(String.format(call, "None", "False, True, False"))
                    .append("    b = torch.sum(dy, [0, 2, 3])\n")
                    .append("    return r[1] + torch.sum(b) * 0.0\n");
            case 3 -> c.append("    r = ").append(String.format(call, "None", "True, True, False"));
            case 4 -> c.append("    r = ")
                    .append(String.format(call, "[w.size(0)]", "True, True, True"));
            default -> c.append("    N = x.size(0)\n    C = x.size(1)\n    H = x.size(2)\n")
                    .append("    W = x.size(3)\n    O = dy.size(1)\n    Ho = dy.size(2)\n")
                    .append("    Wo = dy.size(3)\n")
                    .append("    ds = dy.permute([0, 2, 3, 1])\n")
                    .append("    dw = torch.zeros([O, 9 * C], dtype=6, layout=None, device=None,"
                            + " pin_memory=None)\n")
                    .append("    for n in range(N):\n")
                    .append("      r0 = 0\n")
                    .append("      while r0 < Ho:\n")
                    .append("        rr = min(").append(rows).append(", Ho - r0)\n")
                    .append("        cols = torch.as_strided(x, [rr, Wo, 3, 3, C],"
                            + " [W * C, C, W * C, C, 1], n * H * W * C + r0 * W * C)\n")
                    .append("        cols2 = torch.reshape(cols, [rr * Wo, 9 * C])\n")
                    .append("        g = torch.reshape(torch.slice(ds[n], 0, r0, r0 + rr),"
                            + " [rr * Wo, O])\n")
                    .append("        dw.addmm_(torch.t(g), cols2)\n")
                    .append("        r0 = r0 + rr\n")
                    .append("    return torch.reshape(dw, [O, 3, 3, C]).permute([0, 3, 1, 2])\n");
        }
        if (variant != 2 && variant < 5) {
            c.append("    return r[1]\n");
        }
        return c.toString();
    }

    public static void main(String[] args) throws Exception {
        int n = Integer.parseInt(args[0]);
        int ci = Integer.parseInt(args[1]);
        int co = Integer.parseInt(args[2]);
        int h = Integer.parseInt(args[3]);
        int w = Integer.parseInt(args[4]);
        int reps = Integer.parseInt(args[5]);
        int rows = args.length > 6 ? Integer.parseInt(args[6]) : 32;
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            // Channels-last strides: made in NHWC order, then viewed as NCHW.
            NDArray x = m.randomNormal(new Shape(n, h, w, ci)).transpose(0, 3, 1, 2);
            NDArray dy = m.randomNormal(new Shape(n, h - 2, w - 2, co)).transpose(0, 3, 1, 2);
            NDArray wt = m.randomNormal(new Shape(co, 3, 3, ci)).transpose(0, 3, 1, 2);
            List<Model> modules = new ArrayList<>();
            for (int v = 0; v < NAMES.length; v++) {
                Model module = Model.newInstance("part" + v, Device.cpu(), "PyTorch");
                module.load(new ByteArrayInputStream(
                        TorchScriptArchive.of(code(v, rows), List.of()).bytes()));
                modules.add(module);
            }
            Map<Integer, List<Double>> times = new LinkedHashMap<>();
            NDArray reference = null;
            for (int rep = 0; rep < reps; rep++) {
                for (int v = 0; v < NAMES.length; v++) {
                    try (NDManager pass = m.newSubManager()) {
                        long t0 = System.nanoTime();
                        NDArray dw = modules.get(v).getBlock()
                                .forward(new ParameterStore(pass, false), new NDList(x, dy, wt),
                                        false)
                                .head();
                        dw.get(0).toFloatArray(); // waits for the result
                        long t1 = System.nanoTime();
                        if (rep > 0) {
                            times.computeIfAbsent(v, k -> new ArrayList<>()).add((t1 - t0) / 1e6);
                        } else if (v == 0) {
                            reference = dw.duplicate();
                            reference.attach(m);
                        } else {
                            System.out.printf(Locale.ROOT,
                                    "%-45s largest difference from the first: %.3g of %.3g%n",
                                    NAMES[v], dw.sub(reference).abs().max().getFloat(),
                                    reference.abs().max().getFloat());
                        }
                    }
                }
            }
            System.out.printf(Locale.ROOT, "conv %d -> %d channels, %dx%d input, batch %d%n",
                    ci, co, w, h, n);
            for (Map.Entry<Integer, List<Double>> e : times.entrySet()) {
                List<Double> t = new ArrayList<>(e.getValue());
                Collections.sort(t);
                System.out.printf(Locale.ROOT, "%-45s median %8.2f ms  (min %.2f, max %.2f)%n",
                        NAMES[e.getKey()] + (e.getKey() == 5 ? ", " + rows + " rows" : ""),
                        t.get(t.size() / 2), t.get(0), t.get(t.size() - 1));
            }
            modules.forEach(Model::close);
        }
    }
}
