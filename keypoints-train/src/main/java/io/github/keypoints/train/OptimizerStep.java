package io.github.keypoints.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One optimiser step over a trainer's parameters, what {@link Trainer#step()} does, without DJL's
 * parameter server when training runs on one device.
 *
 * <p>{@code Trainer.step()} hands every gradient to the engine's {@link
 * ai.djl.training.ParameterServer}. On MXNet that is a key-value store: per parameter it copies the
 * gradient in, calls the optimiser back from native code through JNA on its own copy of the weight
 * and copies the weight out again. On PyTorch it is DJL's local server, which duplicates every
 * gradient before the update. On one device neither copy is needed: this step calls the optimiser
 * on each trainable parameter's own array and gradient, which is what the server ends up doing, and
 * the result is the same weights (see {@code OptimizerStepTest}). The optimiser still clears
 * PyTorch's accumulated gradients as it does under {@code Trainer.step()}. A {@link ResumableAdam}
 * gets the whole set at once ({@link ResumableAdam#updateAll}), which on PyTorch is one call of
 * libtorch's fused Adam kernel: the same update up to floating-point rounding.
 *
 * <p>On several devices, or if a parameter lives on another device than the one training runs on
 * (then the trainer computes on copies), it calls {@link Trainer#step()}. Like {@code
 * Trainer.step()}, the first step fails if every gradient is zero (backward was not called), and
 * each step is recorded as the trainer's {@code "step"} metric when the trainer has metrics.
 *
 * <p>The backward pass can go through the step too ({@link #backward}), which lets it choose where
 * the gradients go ({@link Gradients}). By default they are {@linkplain Gradients#ACCUMULATED added
 * into the parameters' gradient arrays}, as DJL's {@code GradientCollector.backward} does, where
 * anything can read them until the step clears them. With {@link Gradients#FRESH}, on PyTorch on
 * the CPU, one device, {@link #backward} only keeps the loss, and {@link #apply()} asks autograd
 * for the gradients as arrays of their own, as Python's {@code zero_grad(set_to_none=True)} leaves
 * them, and with a {@link ResumableAdam} whose fused kernel applies makes the update in the same
 * call of libtorch: nothing is added into or cleared from the parameters' gradients, two passes
 * over every gradient and a round trip through Java fewer a step, and the same weights. The
 * parameters' own gradient arrays then read zero, and the loss must stay open until the step.
 *
 * <p>Create one per trainer, after {@link Trainer#initialize}; not thread-safe, as a trainer is
 * not.
 */
public final class OptimizerStep {

    private static final Logger LOG = LoggerFactory.getLogger(OptimizerStep.class);

    /** Where a backward pass through {@link #backward} leaves the gradients. */
    public enum Gradients {
        /**
         * Added into each parameter's gradient array ({@code parameter.getArray().getGradient()}),
         * as DJL's {@code GradientCollector.backward} does; the step clears them. What a listener
         * that reads gradients between the backward pass and the step needs.
         */
        ACCUMULATED,
        /**
         * On PyTorch on the CPU, one device: computed at the step as arrays of its own, from the
         * losses {@link #backward} kept, none added into or cleared from the parameters' gradient
         * arrays (which read zero). Elsewhere as {@link #ACCUMULATED}.
         */
        FRESH
    }

    private final Trainer trainer;
    private final Optimizer optimizer;
    private final Gradients gradients;
    private List<Parameter> trainable;
    private boolean decided;
    private boolean direct;
    private boolean checked;
    private boolean freshRefused;

    /** The losses of the backward passes since the last step, kept for it (fresh gradients). */
    private final List<NDArray> losses = new ArrayList<>();

    private OptimizerStep(Trainer trainer, Optimizer optimizer, Gradients gradients) {
        this.trainer = trainer;
        this.optimizer = optimizer;
        this.gradients = gradients;
    }

    /**
     * Returns the step for a trainer.
     *
     * @param trainer the trainer whose model's parameters are updated
     * @param optimizer the optimiser the trainer was configured with (the same object, so its
     *     state, such as Adam's moments and step counts, is the one a {@code Trainer.step()} would
     *     use)
     * @return the step
     */
    public static OptimizerStep of(Trainer trainer, Optimizer optimizer) {
        return of(trainer, optimizer, Gradients.ACCUMULATED);
    }

    /**
     * Returns the step for a trainer, with its backward passes ({@link #backward}) leaving the
     * gradients where {@code gradients} says.
     *
     * @param trainer the trainer whose model's parameters are updated
     * @param optimizer the optimiser the trainer was configured with
     * @param gradients where {@link #backward} leaves the gradients
     * @return the step
     */
    public static OptimizerStep of(Trainer trainer, Optimizer optimizer, Gradients gradients) {
        if (trainer == null || optimizer == null || gradients == null) {
            throw new IllegalArgumentException("trainer, optimizer and gradients are required");
        }
        return new OptimizerStep(trainer, optimizer, gradients);
    }

    /**
     * The backward pass of {@code loss}: {@code collector.backward(loss)}, or with {@link
     * Gradients#FRESH} where it applies, {@code loss} kept for the next {@link #apply()}, which
     * computes its gradients (then {@code loss} must stay open until that step; a second backward
     * pass before the step adds its gradients to the first's, as accumulating would).
     *
     * @param collector the open gradient collector that recorded the forward pass
     * @param loss the loss to differentiate (a non-scalar loss is summed, as DJL's collector does)
     */
    public void backward(GradientCollector collector, NDArray loss) {
        decide();
        if (keepsFresh()) {
            losses.add(loss);
        } else {
            collector.backward(loss);
        }
    }

    /**
     * Whether the step holds backward passes of {@link #backward} that the next {@link #apply()}
     * will run (fresh gradients), rather than gradients accumulated into the parameters.
     *
     * @return true if the next step computes the gradients of the losses it was given
     */
    public boolean holdsBackward() {
        return !losses.isEmpty();
    }

    /**
     * Whether steps bypass the parameter server (one device, every parameter on it); known after
     * the first {@link #apply()}.
     *
     * @return true if the optimiser is called on the parameters directly
     */
    public boolean isDirect() {
        return direct;
    }

    /**
     * Updates every trainable parameter from its gradient, once: the gradients accumulated in the
     * parameters, or those of the losses {@link #backward} kept.
     *
     * @throws IllegalStateException on the first step, if every gradient is zero and no loss was
     *     kept
     */
    public void apply() {
        long begin = System.nanoTime();
        decide();
        if (!direct) {
            trainer.step();
            return;
        }
        if (!losses.isEmpty()) {
            try {
                applyFromLosses();
            } finally {
                losses.clear();
            }
        } else {
            applyAccumulated();
        }
        if (trainer.getMetrics() != null) {
            trainer.addMetric("step", begin);
        }
    }

    /** The update from the gradients accumulated in the parameters. */
    private void applyAccumulated() {
        if (!checked) {
            requireSomeGradient();
            checked = true;
        }
        if (optimizer instanceof ResumableAdam adam) {
            updateAll(adam);
        } else {
            for (Parameter p : trainable) {
                NDArray weight = p.getArray();
                try (NDArray grad = weight.getGradient()) {
                    optimizer.update(p.getId(), weight, grad);
                }
            }
        }
    }

    /**
     * The update from the gradients of the kept losses: with a {@link ResumableAdam}, both in one
     * call where the fused kernel applies; otherwise the gradients first ({@link TorchGradients}),
     * then the optimiser; if that module cannot be loaded, DJL's backward pass and the accumulated
     * path.
     */
    private void applyFromLosses() {
        List<NDArray> weights = weights();
        List<String> ids = new ArrayList<>(trainable.size());
        for (Parameter p : trainable) {
            ids.add(p.getId());
        }
        try (NDManager into = trainer.getManager().newSubManager()) {
            NDList grads = null;
            if (optimizer instanceof ResumableAdam adam) {
                TorchFusedAdam.LossUpdate r = adam.updateAllFromLosses(ids, weights, losses, into);
                if (r.updated()) {
                    return;
                }
                grads = r.gradients();
            }
            if (grads == null) {
                Optional<NDList> computed = TorchGradients.compute(losses, weights, into);
                if (computed.isEmpty()) {
                    freshRefused = true;
                    try (GradientCollector gc = trainer.newGradientCollector()) {
                        for (NDArray loss : losses) {
                            gc.backward(loss);
                        }
                    }
                    applyAccumulated();
                    return;
                }
                grads = computed.get();
            }
            checked = true;
            if (optimizer instanceof ResumableAdam adam) {
                adam.updateAll(ids, weights, grads, false);
            } else {
                for (int i = 0; i < ids.size(); i++) {
                    optimizer.update(ids.get(i), weights.get(i), grads.get(i));
                }
            }
        }
    }

    /**
     * The whole set in one call: on PyTorch, one fused kernel ({@link ResumableAdam#updateAll}).
     */
    private void updateAll(ResumableAdam adam) {
        List<String> ids = new ArrayList<>(trainable.size());
        List<NDArray> weights = new ArrayList<>(trainable.size());
        List<NDArray> grads = new ArrayList<>(trainable.size());
        try {
            for (Parameter p : trainable) {
                ids.add(p.getId());
                weights.add(p.getArray());
                grads.add(p.getArray().getGradient());
            }
            adam.updateAll(ids, weights, grads);
        } finally {
            grads.forEach(NDArray::close);
        }
    }

    private void decide() {
        if (!decided) {
            trainable = trainableParameters();
            direct = trainable != null;
            decided = true;
        }
    }

    /** Whether the next backward pass is kept for the step (fresh gradients). */
    private boolean keepsFresh() {
        if (gradients != Gradients.FRESH || !direct || freshRefused || trainable.isEmpty()) {
            return false;
        }
        NDArray first = trainable.get(0).getArray();
        if (!TorchFusedAdam.appliesTo(first)) {
            return false;
        }
        // A ResumableAdam that will take DJL's kernel (rescaled or clipped gradients, the fused
        // kernel turned off or refused) gains nothing from fresh gradients: DJL's kernel clears
        // the parameters' gradients anyway.
        return !(optimizer instanceof ResumableAdam adam) || adam.fusedMayApply(first);
    }

    private List<NDArray> weights() {
        List<NDArray> weights = new ArrayList<>(trainable.size());
        for (Parameter p : trainable) {
            weights.add(p.getArray());
        }
        return weights;
    }

    /** The trainable parameters if a direct step is possible, else null. */
    private List<Parameter> trainableParameters() {
        Device[] devices = trainer.getDevices();
        if (devices.length != 1) {
            return null;
        }
        List<Parameter> out = new ArrayList<>();
        for (Pair<String, Parameter> pair : trainer.getModel().getBlock().getParameters()) {
            Parameter p = pair.getValue();
            if (!p.requiresGradient()) {
                continue;
            }
            if (!p.isInitialized()
                    || !p.getArray().getDevice().equals(devices[0])
                    || !p.getArray().hasGradient()) {
                return null;
            }
            out.add(p);
        }
        return out;
    }

    private void requireSomeGradient() {
        for (Parameter p : trainable) {
            try (NDArray grad = p.getArray().getGradient();
                    NDArray magnitude = grad.abs();
                    NDArray total = magnitude.sum()) {
                if (total.getFloat() != 0f) {
                    return;
                }
            }
        }
        throw new IllegalStateException(
                "every gradient is zero before the first optimiser step: call"
                        + " GradientCollector.backward(loss) before the step");
    }
}
