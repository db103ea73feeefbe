package io.github.keypoints.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;

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
 * <p>Create one per trainer, after {@link Trainer#initialize}; not thread-safe, as a trainer is
 * not.
 */
public final class OptimizerStep {

    private final Trainer trainer;
    private final Optimizer optimizer;
    private List<Parameter> trainable;
    private boolean decided;
    private boolean direct;
    private boolean checked;

    private OptimizerStep(Trainer trainer, Optimizer optimizer) {
        this.trainer = trainer;
        this.optimizer = optimizer;
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
        if (trainer == null || optimizer == null) {
            throw new IllegalArgumentException("trainer and optimizer are required");
        }
        return new OptimizerStep(trainer, optimizer);
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
     * Updates every trainable parameter from its gradient, once.
     *
     * @throws IllegalStateException on the first step, if every gradient is zero
     */
    public void apply() {
        long begin = System.nanoTime();
        if (!decided) {
            trainable = trainableParameters();
            direct = trainable != null;
            decided = true;
        }
        if (!direct) {
            trainer.step();
            return;
        }
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
        if (trainer.getMetrics() != null) {
            trainer.addMetric("step", begin);
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
