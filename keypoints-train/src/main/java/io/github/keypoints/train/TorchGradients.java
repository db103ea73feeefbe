package io.github.keypoints.train;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.github.keypoints.models.TorchScriptArchive;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backward pass on PyTorch that returns the gradients as fresh arrays ({@code
 * torch.autograd.grad}) instead of adding them into the parameters' gradient arrays, from a small
 * TorchScript module written by {@link TorchScriptArchive}: what {@link OptimizerStep} uses for
 * fresh gradients when the optimiser is not a {@link ResumableAdam} on its fused kernel (which runs
 * the same lines and its update in one module, {@link TorchFusedAdam#updateFromLosses}).
 *
 * <p>DJL's {@code GradientCollector.backward} on PyTorch adds each gradient into the parameter's
 * {@code .grad}, which the optimiser then has to clear: two passes over every gradient a step (in
 * the nose-tip network's profile in docs/performance-training.md, a 0.20 ms {@code fill_} and 0.28
 * ms of {@code add_} in a step of about 21 ms). Python's {@code
 * optimizer.zero_grad(set_to_none=True)} avoids both by letting backward write fresh arrays; DJL
 * cannot set a gradient to none, and TorchScript cannot either, so this asks autograd for the
 * gradients directly. Each comes back laid out in memory like its weight (copied into that layout
 * if autograd made it otherwise), and a parameter the loss does not depend on gets zeros, which is
 * what its accumulated gradient would hold.
 *
 * <p>One module per parameter count, loaded once per JVM and kept; a module holds no tensors.
 * Thread-safe.
 */
final class TorchGradients {

    private static final Logger LOG = LoggerFactory.getLogger(TorchGradients.class);
    private static final String PYTORCH = "PyTorch";
    private static final Map<Key, Optional<Model>> MODULES = new ConcurrentHashMap<>();
    private static final AtomicLong CALLS = new AtomicLong();

    private TorchGradients() {}

    /**
     * How many backward passes this class has run since the JVM started (for tests).
     *
     * @return the count
     */
    static long calls() {
        return CALLS.get();
    }

    /**
     * The gradients of the sum of {@code losses} (each summed over its elements, as DJL's backward
     * pass seeds it with ones) with respect to each weight, in {@code into}; empty if the module
     * could not be loaded (logged once), in which case nothing was computed and the graphs are
     * intact.
     *
     * @param losses the losses, on PyTorch, each recorded by a gradient collector
     * @param weights the weights, each requiring a gradient
     * @param into the manager that will own the gradients
     * @return the gradients, in the order of {@code weights}
     */
    static Optional<NDList> compute(List<NDArray> losses, List<NDArray> weights, NDManager into) {
        int n = weights.size();
        int k = losses.size();
        if (n == 0 || k == 0) {
            throw new IllegalArgumentException("need at least one loss and one weight");
        }
        Optional<Model> module = MODULES.computeIfAbsent(new Key(k, n), TorchGradients::load);
        if (module.isEmpty()) {
            return Optional.empty();
        }
        NDList args = new NDList(k + n);
        args.addAll(losses);
        args.addAll(weights);
        // As a training call: outside inference mode, so the gradients are ordinary tensors that
        // can be added to.
        NDList grads = module.get().getBlock().forward(new ParameterStore(into, false), args, true);
        // They belong to the first argument's manager, a loss's; the caller wants them in its own.
        grads.attach(into);
        CALLS.incrementAndGet();
        return Optional.of(grads);
    }

    /** Which module: the numbers of losses and weights. */
    private record Key(int losses, int weights) {}

    private static Optional<Model> load(Key key) {
        return loadModule(
                "keypoints-gradients",
                code(key.losses(), key.weights()),
                "gradients are accumulated into the parameters");
    }

    /**
     * Loads a PyTorch module from TorchScript source; empty, with a warning naming what happens
     * instead ({@code fallback}), if libtorch refuses it.
     *
     * @param name the model's name
     * @param code the module's source ({@link TorchScriptArchive#of(String, List)})
     * @param fallback what the library does without the module, for the warning
     * @return the module, or empty
     */
    static Optional<Model> loadModule(String name, String code, String fallback) {
        Model m = Model.newInstance(name, Device.cpu(), PYTORCH);
        try {
            m.load(new ByteArrayInputStream(TorchScriptArchive.of(code, List.of()).bytes()));
            return Optional.of(m);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            m.close();
            LOG.warn("the module {} could not be loaded ({}); {}", name, e.toString(), fallback);
            return Optional.empty();
        }
    }

    /** The module's TorchScript source for {@code k} losses and {@code n} weights. */
    static String code(int k, int n) {
        StringBuilder c = new StringBuilder(TorchScriptArchive.HEADER);
        c.append("  def forward(self: __torch__.Net");
        arguments(c, "l", k);
        arguments(c, "w", n);
        c.append(") -> List[Tensor]:\n");
        list(c, "ls", "l", k);
        list(c, "ws", "w", n);
        gradients(c, n);
        c.append("    return gs\n");
        return c.toString();
    }

    /** Appends {@code n} tensor arguments named {@code prefix0 …}. */
    static void arguments(StringBuilder c, String prefix, int n) {
        for (int i = 0; i < n; i++) {
            c.append(",\n    ").append(prefix).append(i).append(": Tensor");
        }
    }

    /** Appends {@code name = [prefix0, …]}. */
    static void list(StringBuilder c, String name, String prefix, int n) {
        c.append("    ").append(name).append(" = [");
        for (int i = 0; i < n; i++) {
            c.append(i == 0 ? "" : ", ").append(prefix).append(i);
        }
        c.append("]\n");
    }

    /**
     * Appends the lines that set {@code gs} to the gradients of the losses {@code ls} with respect
     * to the {@code n} weights {@code ws}: each laid out like its weight, zeros for a weight the
     * losses do not depend on.
     */
    static void gradients(StringBuilder c, int n) {
        c.append("    seeds = annotate(List[Optional[Tensor]], [])\n")
                .append("    for l in ls:\n")
                .append("      seeds.append(torch.ones_like(l))\n")
                .append("    grads = torch.autograd.grad(ls, ws, seeds, retain_graph=False,")
                .append(" create_graph=False, allow_unused=True)\n")
                .append("    gs = annotate(List[Tensor], [])\n")
                .append("    for i in range(")
                .append(n)
                .append("):\n")
                .append("      w = ws[i]\n")
                .append("      g = grads[i]\n")
                .append("      if g is None:\n")
                .append("        gs.append(torch.zeros_like(w))\n")
                .append("      else:\n")
                .append("        t = unchecked_cast(Tensor, g)\n")
                .append("        if t.stride() != w.stride() or t.dtype != w.dtype:\n")
                .append("          gs.append(torch.empty_like(w).copy_(t))\n")
                .append("        else:\n")
                .append("          gs.append(t)\n");
    }
}
