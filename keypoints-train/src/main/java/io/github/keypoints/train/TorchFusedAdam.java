package io.github.keypoints.train;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.github.keypoints.models.TorchScriptArchive;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adam's update of a whole set of parameters as one call of libtorch's fused CPU kernel ({@code
 * aten::_fused_adam_}, what {@code torch.optim.Adam(fused=True)} runs), then the gradients cleared
 * ({@code _foreach_zero_}), from a small TorchScript module written by {@link TorchScriptArchive}.
 * The kernel reads each weight, gradient and both moments once and writes the weight and moments
 * once, in place; DJL's per-parameter Adam kernel clones the gradient, adds a zero weight decay and
 * forms the update from four temporary arrays.
 *
 * <p>Same update as DJL's ({@link ResumableAdam#update}) up to floating-point rounding: DJL scales
 * the learning rate by {@code sqrt(1 - beta2^t) / (1 - beta1^t)} and adds {@code eps} to {@code
 * sqrt(v)}; the kernel divides {@code sqrt(v)} by {@code sqrt(1 - beta2^t)} before adding its
 * epsilon, so it is given {@code eps / sqrt(1 - beta2^t)}, which makes the two formulas equal.
 *
 * <p>The kernel walks each tensor's memory in order, so it needs a weight, its gradient and its
 * moments laid out alike: the module checks that every four have the same strides and are dense
 * (contiguous, or channels-last), and otherwise changes nothing and answers so ({@link #update}
 * returns false). One module per parameter count and pair of betas, loaded once per JVM and kept; a
 * module holds no tensors. Thread-safe.
 */
final class TorchFusedAdam {

    /** The system property that turns the fused kernel off ({@code false}); on by default. */
    static final String PROPERTY = "keypoints.fusedAdam";

    private static final Logger LOG = LoggerFactory.getLogger(TorchFusedAdam.class);
    private static final String PYTORCH = "PyTorch";
    private static final Map<Key, Optional<Model>> MODULES = new ConcurrentHashMap<>();
    private static final Map<LossKey, Optional<Model>> LOSS_MODULES = new ConcurrentHashMap<>();
    private static final AtomicLong CALLS = new AtomicLong();

    private TorchFusedAdam() {}

    /**
     * Whether {@value #PROPERTY} is unset or not {@code false}.
     *
     * @return whether the fused kernel may be used
     */
    static boolean isEnabled() {
        return !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").strip());
    }

    /**
     * Whether the kernel can update {@code weight}: a PyTorch array on the CPU.
     *
     * @param weight a parameter's array
     * @return whether it is a libtorch CPU tensor
     */
    static boolean appliesTo(NDArray weight) {
        return PYTORCH.equals(weight.getManager().getEngine().getEngineName())
                && Device.Type.CPU.equals(weight.getDevice().getDeviceType());
    }

    /**
     * How many updates the fused kernel has made since the JVM started (for tests).
     *
     * @return the count
     */
    static long calls() {
        return CALLS.get();
    }

    /**
     * Updates every weight and both its moments in place and clears its gradient, as Adam's step
     * {@code t} with DJL's formula; changes nothing and returns false if some weight, gradient and
     * moments are not laid out alike, if libtorch refuses the arguments (mixed data types, say, or
     * a libtorch without the CPU kernel; logged), or if the module could not be loaded (logged
     * once).
     *
     * @param weights the weights, on PyTorch, on the CPU ({@link #appliesTo})
     * @param grads their gradients, in the same order
     * @param means their first moments
     * @param variances their second moments
     * @param hyper the learning rate, epsilon and weight decay
     * @param step the 1-based step count of every parameter
     * @return whether the update was made
     */
    static boolean update(
            List<NDArray> weights,
            List<NDArray> grads,
            List<NDArray> means,
            List<NDArray> variances,
            Hyper hyper,
            int step) {
        return update(weights, grads, means, variances, hyper, step, true);
    }

    /**
     * As {@link #update(List, List, List, List, Hyper, int)}, clearing the gradients afterwards
     * only if {@code clearGradients} (not when they are arrays of their own, which the caller
     * drops, rather than the parameters' accumulated gradients).
     *
     * @param weights the weights, on PyTorch, on the CPU ({@link #appliesTo})
     * @param grads their gradients, in the same order
     * @param means their first moments
     * @param variances their second moments
     * @param hyper the learning rate, epsilon and weight decay
     * @param step the 1-based step count of every parameter
     * @param clearGradients whether to set the gradients to zero after the update
     * @return whether the update was made
     */
    static boolean update(
            List<NDArray> weights,
            List<NDArray> grads,
            List<NDArray> means,
            List<NDArray> variances,
            Hyper hyper,
            int step,
            boolean clearGradients) {
        int n = weights.size();
        if (n == 0 || grads.size() != n || means.size() != n || variances.size() != n) {
            throw new IllegalArgumentException(
                    "need as many gradients and moments as weights, and at least one weight");
        }
        Optional<Model> module = module(n, hyper.beta1(), hyper.beta2(), clearGradients);
        if (module.isEmpty()) {
            return false;
        }
        try (NDManager sub = weights.get(0).getManager().newSubManager()) {
            NDList args = stepArguments(sub, hyper, step, 2 + 4 * n);
            args.addAll(weights);
            args.addAll(grads);
            args.addAll(means);
            args.addAll(variances);
            NDList out;
            try {
                out = module.get().getBlock().forward(new ParameterStore(sub, false), args, false);
            } catch (RuntimeException e) {
                // libtorch checks its arguments (devices, data types, a CPU kernel in this build)
                // before the kernel writes anything.
                LOG.warn(
                        "libtorch's fused Adam kernel refused the update ({}); DJL's kernel takes"
                                + " over",
                        e.toString());
                return false;
            }
            try {
                // The module answers its first gradient after an update and an empty array when
                // it refused the layouts.
                boolean updated = out.head().getShape().size() > 0;
                if (updated) {
                    CALLS.incrementAndGet();
                }
                return updated;
            } finally {
                out.close();
            }
        }
    }

    /**
     * The backward passes of {@code losses} and Adam's step {@code t} of every weight from their
     * gradients, in one call: the gradients are computed as arrays of their own ({@code
     * torch.autograd.grad}, as {@link TorchGradients} does), nothing accumulated into or cleared
     * from the parameters' gradients. When some weight and its moments are not laid out alike the
     * kernel cannot run: the gradients come back instead (in {@code into}) and nothing is updated.
     * Once the module has run the losses' graphs are spent, so an error libtorch raises in the
     * kernel (such as mixed data types) is thrown, not answered with a fallback.
     *
     * @param losses the losses, on PyTorch, each recorded by a gradient collector
     * @param weights the weights, on PyTorch, on the CPU ({@link #appliesTo})
     * @param means their first moments
     * @param variances their second moments
     * @param hyper the learning rate, epsilon and weight decay
     * @param step the 1-based step count of every parameter
     * @param into the manager for gradients that come back
     * @return what happened
     */
    static LossUpdate updateFromLosses(
            List<NDArray> losses,
            List<NDArray> weights,
            List<NDArray> means,
            List<NDArray> variances,
            Hyper hyper,
            int step,
            NDManager into) {
        int n = weights.size();
        int k = losses.size();
        if (n == 0 || k == 0 || means.size() != n || variances.size() != n) {
            throw new IllegalArgumentException(
                    "need at least one loss and one weight, and as many moments as weights");
        }
        Optional<Model> module =
                LOSS_MODULES.computeIfAbsent(
                        new LossKey(k, n, hyper.beta1(), hyper.beta2()),
                        key -> load(lossCode(k, n, key.beta1(), key.beta2())));
        if (module.isEmpty()) {
            return LossUpdate.NOT_RUN;
        }
        try (NDManager sub = weights.get(0).getManager().newSubManager()) {
            NDList args = stepArguments(sub, hyper, step, 2 + k + 3 * n);
            args.addAll(losses);
            args.addAll(weights);
            args.addAll(means);
            args.addAll(variances);
            NDList out =
                    module.get().getBlock().forward(new ParameterStore(sub, false), args, false);
            if (out.head().getShape().size() > 0) {
                out.close();
                CALLS.incrementAndGet();
                return LossUpdate.UPDATED;
            }
            NDList grads = out.subNDList(1);
            grads.attach(into);
            return new LossUpdate(false, grads);
        }
    }

    /**
     * What {@link #updateFromLosses} did: the update made; or not, with the gradients it computed
     * ({@code gradients} not null); or nothing run (its module could not be loaded, logged), the
     * losses' graphs intact.
     *
     * @param updated whether the weights and moments were updated
     * @param gradients the gradients computed without an update, else null
     */
    record LossUpdate(boolean updated, NDList gradients) {
        static final LossUpdate UPDATED = new LossUpdate(true, null);
        static final LossUpdate NOT_RUN = new LossUpdate(false, null);
    }

    /** Which module of {@link #updateFromLosses}: losses, parameters and the betas. */
    private record LossKey(int losses, int parameters, float beta1, float beta2) {}

    /**
     * A module's first two arguments, in {@code sub} (which then owns what the module returns): the
     * learning rate, epsilon as the kernel's formula needs it ({@code eps / sqrt(1 - beta2^t)}) and
     * the weight decay; the step count.
     */
    private static NDList stepArguments(NDManager sub, Hyper hyper, int step, int capacity) {
        double coef2 = 1.0 - Math.pow(hyper.beta2(), step);
        NDList args = new NDList(capacity);
        args.add(
                sub.create(
                        new double[] {
                            hyper.learningRate(),
                            hyper.epsilon() / Math.sqrt(coef2),
                            hyper.weightDecay()
                        }));
        args.add(sub.create((float) step));
        return args;
    }

    /** Adam's hyper-parameters for one step. */
    record Hyper(float learningRate, float epsilon, float weightDecay, float beta1, float beta2) {}

    /**
     * Which module: the parameter count, the betas, which the code holds as constants, and whether
     * it clears the gradients.
     */
    private record Key(int parameters, float beta1, float beta2, boolean clear) {}

    private static Optional<Model> module(int n, float beta1, float beta2, boolean clear) {
        return MODULES.computeIfAbsent(
                new Key(n, beta1, beta2, clear), k -> load(code(n, beta1, beta2, clear)));
    }

    private static Optional<Model> load(String code) {
        return TorchGradients.loadModule(
                "keypoints-fused-adam", code, "Adam updates each parameter with DJL's kernel");
    }

    /**
     * The module's TorchScript source for {@code n} parameters, clearing the gradients after the
     * update if {@code clear}.
     */
    static String code(int n, float beta1, float beta2, boolean clear) {
        StringBuilder c = start();
        TorchGradients.arguments(c, "w", n);
        TorchGradients.arguments(c, "g", n);
        TorchGradients.arguments(c, "m", n);
        TorchGradients.arguments(c, "v", n);
        c.append(") -> Tensor:\n");
        TorchGradients.list(c, "params", "w", n);
        TorchGradients.list(c, "grads", "g", n);
        TorchGradients.list(c, "means", "m", n);
        TorchGradients.list(c, "variances", "v", n);
        checkAndUpdate(c, n, beta1, beta2);
        c.append(clear ? "      torch._foreach_zero_(grads)\n" : "")
                // Returning a value read from the lists after the kernel keeps the JIT from
                // removing the calls as dead code: their writes go through lists it built here.
                .append("      return grads[0]\n")
                .append("    return torch.empty([0])\n");
        return c.toString();
    }

    /**
     * The module's TorchScript source for {@code k} losses and {@code n} parameters: the gradients
     * of the losses ({@link TorchGradients#gradients}), then the update from them; it answers the
     * first weight after an update, else an empty array followed by the gradients.
     */
    static String lossCode(int k, int n, float beta1, float beta2) {
        StringBuilder c = start();
        TorchGradients.arguments(c, "l", k);
        TorchGradients.arguments(c, "w", n);
        TorchGradients.arguments(c, "m", n);
        TorchGradients.arguments(c, "v", n);
        c.append(") -> List[Tensor]:\n");
        TorchGradients.list(c, "ls", "l", k);
        TorchGradients.list(c, "ws", "w", n);
        TorchGradients.list(c, "means", "m", n);
        TorchGradients.list(c, "variances", "v", n);
        TorchGradients.gradients(c, n);
        c.append("    params = ws\n").append("    grads = gs\n");
        checkAndUpdate(c, n, beta1, beta2);
        c.append("      return [params[0]]\n")
                .append("    out = [torch.empty([0])]\n")
                .append("    out.extend(gs)\n")
                .append("    return out\n");
        return c.toString();
    }

    /** The module's header and its method's first two arguments, the hyper-parameters and step. */
    private static StringBuilder start() {
        return new StringBuilder(TorchScriptArchive.HEADER)
                .append("  def forward(self: __torch__.Net,\n")
                .append("    hyper: Tensor,\n")
                .append("    step: Tensor");
    }

    /**
     * Appends the layout check of {@code params}, {@code grads}, {@code means} and {@code
     * variances} and, under {@code if same:}, the kernel's call.
     */
    private static void checkAndUpdate(StringBuilder c, int n, float beta1, float beta2) {
        c.append("    same = True\n")
                .append("    for i in range(")
                .append(n)
                .append("):\n")
                .append("      p = params[i]\n")
                .append("      s = p.stride()\n")
                .append("      if s != grads[i].stride() or s != means[i].stride()")
                .append(" or s != variances[i].stride():\n")
                .append("        same = False\n")
                // Memory format 2 is channels-last (c10::MemoryFormat::ChannelsLast), as
                // TorchScript's own serialised code writes it.
                .append("      if not (p.is_contiguous() or p.is_contiguous(memory_format=2)):\n")
                .append("        same = False\n");
        c.append("    if same:\n")
                .append("      torch._fused_adam_(params, grads, means, variances,")
                .append(" annotate(List[Tensor], []), [")
                .append(String.join(", ", Collections.nCopies(n, "step")))
                .append("], lr=float(hyper[0]), beta1=")
                .append((double) beta1)
                .append(", beta2=")
                .append((double) beta2)
                .append(", weight_decay=float(hyper[2]), eps=float(hyper[1]),")
                .append(" amsgrad=False, maximize=False, grad_scale=None, found_inf=None)\n");
    }
}
