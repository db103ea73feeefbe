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
 * TorchScript module written by {@link TorchScriptArchive}.
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
    private static final Map<Integer, Optional<Model>> MODULES = new ConcurrentHashMap<>();
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
     * The gradients of {@code loss} (summed over its elements, as DJL's backward pass seeds it with
     * ones) with respect to each weight, in {@code into}; empty if the module could not be loaded
     * (logged once), in which case nothing was computed and the graph is intact.
     *
     * @param loss the loss, on PyTorch, recorded by an open gradient collector
     * @param weights the weights, each requiring a gradient
     * @param into the manager that will own the gradients
     * @return the gradients, in the order of {@code weights}
     */
    static Optional<NDList> compute(NDArray loss, List<NDArray> weights, NDManager into) {
        int n = weights.size();
        if (n == 0) {
            throw new IllegalArgumentException("need at least one weight");
        }
        Optional<Model> module = MODULES.computeIfAbsent(n, TorchGradients::load);
        if (module.isEmpty()) {
            return Optional.empty();
        }
        NDList args = new NDList(2 + n);
        // The first argument's manager owns what the module returns.
        NDArray seed = into.ones(loss.getShape(), loss.getDataType());
        args.add(seed);
        args.add(loss);
        args.addAll(weights);
        try {
            // As a training call: outside inference mode, so the gradients are ordinary tensors
            // that a second backward pass can add to.
            NDList grads =
                    module.get().getBlock().forward(new ParameterStore(into, false), args, true);
            CALLS.incrementAndGet();
            return Optional.of(grads);
        } finally {
            seed.close();
        }
    }

    private static Optional<Model> load(int n) {
        Model m = Model.newInstance("keypoints-gradients", Device.cpu(), PYTORCH);
        try {
            m.load(new ByteArrayInputStream(TorchScriptArchive.of(code(n), List.of()).bytes()));
            return Optional.of(m);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            m.close();
            LOG.warn(
                    "the gradients module could not be loaded ({}); gradients are accumulated"
                            + " into the parameters",
                    e.toString());
            return Optional.empty();
        }
    }

    /** The module's TorchScript source for {@code n} weights. */
    static String code(int n) {
        StringBuilder c = new StringBuilder(TorchScriptArchive.HEADER);
        c.append("  def forward(self: __torch__.Net,\n    seed: Tensor,\n    loss: Tensor");
        for (int i = 0; i < n; i++) {
            c.append(",\n    w").append(i).append(": Tensor");
        }
        c.append(") -> List[Tensor]:\n    ws = [");
        for (int i = 0; i < n; i++) {
            c.append(i == 0 ? "" : ", ").append('w').append(i);
        }
        c.append("]\n")
                .append("    grads = torch.autograd.grad([loss], ws,")
                .append(" annotate(List[Optional[Tensor]], [seed]), retain_graph=False,")
                .append(" create_graph=False, allow_unused=True)\n")
                .append("    out = annotate(List[Tensor], [])\n")
                .append("    for i in range(")
                .append(n)
                .append("):\n")
                .append("      w = ws[i]\n")
                .append("      g = grads[i]\n")
                .append("      if g is None:\n")
                .append("        out.append(torch.zeros_like(w))\n")
                .append("      else:\n")
                .append("        t = unchecked_cast(Tensor, g)\n")
                .append("        if t.stride() != w.stride() or t.dtype != w.dtype:\n")
                .append("          out.append(torch.empty_like(w).copy_(t))\n")
                .append("        else:\n")
                .append("          out.append(t)\n")
                .append("    return out\n");
        return c.toString();
    }
}
