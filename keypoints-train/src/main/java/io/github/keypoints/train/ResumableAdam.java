package io.github.keypoints.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.internal.NDArrayEx;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adam (<a href="https://arxiv.org/abs/1412.6980">Kingma and Ba, 2015</a>) whose whole state — the
 * first and second moments and the step count of every parameter — can be saved and restored, so a
 * resumed run continues exactly where it stopped.
 *
 * <p>DJL's own {@code Adam} keeps that state private and keyed by parameter ids that are random per
 * model instance; this optimiser keys it by the parameter's path in the block instead ({@code
 * 01Conv2d_weight}), which is the same in every instance of the architecture. {@link #update} is
 * the engine's Adam kernel, called exactly as DJL's {@code Adam} calls it; {@link #updateAll},
 * which training's {@link OptimizerStep} calls, updates a whole set of parameters at once and on
 * PyTorch runs libtorch's fused Adam kernel instead (the same update up to rounding, several times
 * faster).
 *
 * <p>Mutable: it is the optimiser's job to hold state. Not thread-safe.
 */
public final class ResumableAdam extends Optimizer {

    private static final int FORMAT = 1;
    private static final Logger LOG = LoggerFactory.getLogger(ResumableAdam.class);

    private final Tracker learningRate;
    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final Map<String, String> idToName;
    private final Map<String, NDArray> means = new HashMap<>();
    private final Map<String, NDArray> variances = new HashMap<>();
    private final Map<String, Integer> counts = new HashMap<>();

    /** Names whose moments came from {@link #loadState} and are not yet laid out like weights. */
    private final Set<String> restored = new HashSet<>();

    private final boolean fusedKernel;
    private boolean fusedRefused;
    private long fusedUpdates;

    private ResumableAdam(Builder b) {
        super(b);
        this.learningRate = b.learningRate;
        this.beta1 = b.beta1;
        this.beta2 = b.beta2;
        this.epsilon = b.epsilon;
        this.fusedKernel = b.fusedKernel;
        this.idToName = new HashMap<>();
        for (Pair<String, Parameter> p : b.block.getParameters()) {
            idToName.put(p.getValue().getId(), p.getKey());
        }
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /** {@inheritDoc} */
    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        String name = idToName.getOrDefault(parameterId, parameterId);
        int t = counts.merge(name, 1, Integer::sum);
        double coef1 = 1.0 - Math.pow(beta1, t);
        double coef2 = 1.0 - Math.pow(beta2, t);
        float lr = learningRate.getNewValue(t);
        float corrected = (float) (lr * Math.sqrt(coef2) / coef1);
        NDArray mean = state(means, name, weight);
        NDArray variance = state(variances, name, weight);
        restored.remove(name);
        NDArrayEx ex = weight.getNDArrayInternal();
        ex.adamUpdate(
                new NDList(weight, grad, mean, variance),
                new NDList(weight),
                lr,
                corrected,
                getWeightDecay(),
                rescaleGrad,
                clipGrad,
                beta1,
                beta2,
                epsilon,
                true,
                false);
    }

    /**
     * Updates several parameters, as {@link #update} on each in turn would. On PyTorch, on the CPU,
     * with gradients neither rescaled nor clipped and every parameter at the same step count, the
     * whole set is one call of libtorch's fused Adam kernel ({@code aten::_fused_adam_}; the same
     * update up to floating-point rounding, in one pass over each array instead of about a dozen)
     * unless {@link Builder#optFusedKernel} or the system property {@code
     * keypoints.fusedAdam=false} turned it off; otherwise, or if a weight and its gradient or
     * moments are laid out differently in memory, each parameter goes through {@link #update}. On
     * PyTorch the gradients are cleared afterwards, as {@link #update} clears them.
     *
     * @param parameterIds the parameters' ids, as {@link #update} takes them
     * @param weights their arrays, in the same order
     * @param grads their gradients
     * @throws IllegalArgumentException if the lists differ in length
     */
    public void updateAll(List<String> parameterIds, List<NDArray> weights, List<NDArray> grads) {
        updateAll(parameterIds, weights, grads, true);
    }

    /**
     * As {@link #updateAll(List, List, List)}; the fused kernel clears the gradients afterwards
     * only if {@code clearGradients} (not when they are arrays of their own that the caller drops:
     * {@link OptimizerStep} with gradients kept apart from the parameters).
     */
    void updateAll(
            List<String> parameterIds,
            List<NDArray> weights,
            List<NDArray> grads,
            boolean clearGradients) {
        int n = parameterIds.size();
        if (weights.size() != n || grads.size() != n) {
            throw new IllegalArgumentException(
                    n
                            + " parameter ids, "
                            + weights.size()
                            + " weights, "
                            + grads.size()
                            + " gradients");
        }
        if (n > 0 && fused(parameterIds, weights, grads, clearGradients)) {
            return;
        }
        for (int i = 0; i < n; i++) {
            update(parameterIds.get(i), weights.get(i), grads.get(i));
        }
    }

    /** The fused update, if it applies; false (nothing changed) if not. */
    private boolean fused(
            List<String> parameterIds,
            List<NDArray> weights,
            List<NDArray> grads,
            boolean clearGradients) {
        FusedCall call = fusedCall(parameterIds, weights);
        if (call == null) {
            return false;
        }
        if (!TorchFusedAdam.update(
                weights,
                grads,
                call.means(),
                call.variances(),
                call.hyper(),
                call.step(),
                clearGradients)) {
            refuseFused();
            return false;
        }
        fusedDone(call);
        return true;
    }

    /**
     * The backward passes of {@code losses} and Adam's update of every weight from the gradients in
     * one call of a TorchScript module ({@link TorchFusedAdam#updateFromLosses}), on PyTorch when
     * the fused kernel applies: nothing is accumulated into or cleared from the parameters'
     * gradients. Returns what happened: the update made; or the gradients computed (in {@code
     * into}) but no update, because the kernel does not apply to these layouts (then {@link
     * #updateAll(List, List, List, boolean)} takes them, parameter by parameter); or nothing run
     * (the kernel cannot apply, or its module could not be loaded), the losses' graphs intact.
     */
    TorchFusedAdam.LossUpdate updateAllFromLosses(
            List<String> parameterIds,
            List<NDArray> weights,
            List<NDArray> losses,
            NDManager into) {
        FusedCall call =
                weights.isEmpty() || !fusedMayApply(weights.get(0))
                        ? null
                        : fusedCall(parameterIds, weights);
        if (call == null) {
            return TorchFusedAdam.LossUpdate.NOT_RUN;
        }
        TorchFusedAdam.LossUpdate r =
                TorchFusedAdam.updateFromLosses(
                        losses,
                        weights,
                        call.means(),
                        call.variances(),
                        call.hyper(),
                        call.step(),
                        into);
        if (r.updated()) {
            fusedDone(call);
        } else if (r.gradients() != null) {
            refuseFused();
        }
        return r;
    }

    /** A fused update's moments, hyper-parameters and step count. */
    private record FusedCall(
            List<String> names,
            List<NDArray> means,
            List<NDArray> variances,
            TorchFusedAdam.Hyper hyper,
            int step) {}

    /**
     * The arguments of a fused update of these parameters, or null if it does not apply (turned off
     * or refused before, or parameters at different step counts).
     */
    private FusedCall fusedCall(List<String> parameterIds, List<NDArray> weights) {
        if (!fusedMayApply(weights.get(0))) {
            return null;
        }
        List<String> names = new ArrayList<>(parameterIds.size());
        int t = -1;
        for (String id : parameterIds) {
            String name = idToName.getOrDefault(id, id);
            int next = counts.getOrDefault(name, 0) + 1;
            if (t >= 0 && next != t) {
                return null;
            }
            t = next;
            names.add(name);
        }
        List<NDArray> firstMoments = new ArrayList<>(names.size());
        List<NDArray> secondMoments = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            firstMoments.add(state(means, names.get(i), weights.get(i)));
            secondMoments.add(state(variances, names.get(i), weights.get(i)));
        }
        TorchFusedAdam.Hyper hyper =
                new TorchFusedAdam.Hyper(
                        learningRate.getNewValue(t), epsilon, getWeightDecay(), beta1, beta2);
        return new FusedCall(names, firstMoments, secondMoments, hyper, t);
    }

    private void refuseFused() {
        // A layout the kernel cannot walk, or arguments libtorch refuses, do not change between
        // steps.
        fusedRefused = true;
        LOG.info(
                "libtorch's fused Adam kernel does not apply to these parameters (layouts or"
                        + " data types); Adam updates each parameter with DJL's kernel");
    }

    private void fusedDone(FusedCall call) {
        for (String name : call.names()) {
            counts.merge(name, 1, Integer::sum);
            restored.remove(name);
        }
        fusedUpdates++;
    }

    /**
     * Whether {@link #updateAll} may run libtorch's fused kernel on weights like {@code weight}:
     * turned on, not refused by an earlier step, gradients neither rescaled nor clipped, a PyTorch
     * array on the CPU. (It may still refuse a set whose layouts differ or whose step counts are
     * not all equal.)
     */
    boolean fusedMayApply(NDArray weight) {
        return fusedKernel
                && !fusedRefused
                && TorchFusedAdam.isEnabled()
                && rescaleGrad == 1f
                && clipGrad < 0f
                && TorchFusedAdam.appliesTo(weight);
    }

    /**
     * How many {@link #updateAll} calls of this optimiser ran libtorch's fused kernel (the others
     * went through DJL's kernel parameter by parameter): what a benchmark reports to say which
     * kernel it timed.
     *
     * @return the count
     */
    public long fusedUpdates() {
        return fusedUpdates;
    }

    /**
     * Returns the named moment, created as zeros or, once after {@link #loadState}, the restored
     * values, in either case laid out in memory like {@code weight}. Arrays computed from the
     * weight ({@code weight.mul(0)}) take its strides: on PyTorch a channels-last weight (see
     * keypoints-models' networks) then gets channels-last moments, and the update runs over three
     * arrays of one layout instead of strided reads ({@code zerosLike} and a decoded array are
     * contiguous). {@code 0 × w + m} is {@code m} exactly for finite weights.
     */
    private NDArray state(Map<String, NDArray> moments, String name, NDArray weight) {
        NDArray current = moments.get(name);
        if (current != null && !restored.contains(name)) {
            return current;
        }
        NDArray laidOut;
        if (current == null) {
            laidOut = weight.mul(0);
        } else {
            try (NDArray zeros = weight.mul(0)) {
                laidOut = zeros.add(current);
            }
            current.close();
        }
        moments.put(name, detached(laidOut));
        return laidOut;
    }

    private static NDArray detached(NDArray a) {
        // Optimiser state outlives the batch scopes that may have created it.
        a.detach();
        return a;
    }

    /**
     * Returns the number of updates applied so far to the named parameter.
     *
     * @param parameterName the parameter's path in the block
     * @return the step count, 0 before the first update
     */
    public int stepCount(String parameterName) {
        return counts.getOrDefault(parameterName, 0);
    }

    /**
     * Serialises the moments and step counts.
     *
     * @return the state bytes
     * @throws IOException if encoding fails
     */
    public byte[] saveState() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(FORMAT);
            Map<String, Integer> sorted = new LinkedHashMap<>();
            counts.keySet().stream().sorted().forEach(k -> sorted.put(k, counts.get(k)));
            out.writeInt(sorted.size());
            for (Map.Entry<String, Integer> e : sorted.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeInt(e.getValue());
                writeArray(out, means.get(e.getKey()));
                writeArray(out, variances.get(e.getKey()));
            }
        }
        return bytes.toByteArray();
    }

    private static void writeArray(DataOutputStream out, NDArray a) throws IOException {
        byte[] enc = a.encode();
        out.writeInt(enc.length);
        out.write(enc);
    }

    /**
     * Restores moments and step counts saved by {@link #saveState()}, replacing the current state.
     *
     * @param manager the manager that will own the restored arrays (the model's)
     * @param state the saved bytes
     * @throws IOException if the bytes are not a saved Adam state
     */
    public void loadState(NDManager manager, byte[] state) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(state))) {
            int format = in.readInt();
            if (format != FORMAT) {
                throw new IOException(
                        "Adam state format "
                                + format
                                + " is not supported (expected "
                                + FORMAT
                                + ")");
            }
            means.values().forEach(NDArray::close);
            variances.values().forEach(NDArray::close);
            means.clear();
            variances.clear();
            counts.clear();
            restored.clear();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                counts.put(name, in.readInt());
                means.put(name, readArray(manager, in));
                variances.put(name, readArray(manager, in));
                restored.add(name);
            }
        }
    }

    private static NDArray readArray(NDManager manager, DataInputStream in) throws IOException {
        byte[] enc = new byte[in.readInt()];
        in.readFully(enc);
        return manager.decode(enc);
    }

    /** Builds a {@link ResumableAdam}. */
    public static final class Builder extends OptimizerBuilder<Builder> {
        private Tracker learningRate = Tracker.fixed(1e-3f);
        private float beta1 = 0.9f;
        private float beta2 = 0.999f;
        private float epsilon = 1e-8f;
        private boolean fusedKernel = true;
        private Block block;

        private Builder() {}

        /** {@inheritDoc} */
        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the block whose parameter paths name the saved state (required).
         *
         * @param block the model's block
         * @return this builder
         */
        public Builder setBlock(Block block) {
            this.block = block;
            return this;
        }

        /**
         * Sets the learning-rate tracker (default fixed 1e-3, PyTorch's default).
         *
         * @param tracker the tracker, called with the 1-based update count
         * @return this builder
         */
        public Builder optLearningRateTracker(Tracker tracker) {
            this.learningRate = tracker;
            return this;
        }

        /**
         * Sets the moment decay rates (default 0.9 and 0.999).
         *
         * @param beta1 first-moment decay
         * @param beta2 second-moment decay
         * @return this builder
         */
        public Builder optBetas(float beta1, float beta2) {
            this.beta1 = beta1;
            this.beta2 = beta2;
            return this;
        }

        /**
         * Sets the denominator epsilon (default 1e-8).
         *
         * @param epsilon a small positive value
         * @return this builder
         */
        public Builder optEpsilon(float epsilon) {
            this.epsilon = epsilon;
            return this;
        }

        /**
         * Sets whether {@link ResumableAdam#updateAll} may use libtorch's fused Adam kernel on
         * PyTorch (default true; the system property {@code keypoints.fusedAdam=false} turns it off
         * for every optimiser). Off, every update is DJL's kernel, bit for bit as before.
         *
         * @param fused whether to use the fused kernel where it applies
         * @return this builder
         */
        public Builder optFusedKernel(boolean fused) {
            this.fusedKernel = fused;
            return this;
        }

        /**
         * Builds the optimiser.
         *
         * @return the optimiser
         * @throws IllegalArgumentException if the block is missing
         */
        public ResumableAdam build() {
            if (block == null) {
                throw new IllegalArgumentException("Missing block: call setBlock()");
            }
            if (learningRate == null) {
                throw new IllegalArgumentException("Missing learning-rate tracker");
            }
            return new ResumableAdam(this);
        }
    }
}
