package io.github.keypoints.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.github.keypoints.train.OptimizerStep.Gradients;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The direct step against {@link Trainer#step()}: the same weights after every step, for the
 * project's Adam and for DJL's SGD, on both engines, with batch norm's running statistics (which
 * are parameters without gradients) in the network.
 */
class OptimizerStepTest {

    private static final int STEPS = 4;
    private static final Shape INPUT = new Shape(3, 1, 12, 12);

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void adamStepsMatchTrainerStepExactly(String engine) {
        assertSameWeights(
                engine,
                block ->
                        // DJL's kernel on both sides: libtorch's fused kernel, which the direct
                        // step uses by default, agrees up to rounding (TorchFusedAdamTest).
                        ResumableAdam.builder()
                                .setBlock(block)
                                .optFusedKernel(false)
                                .optLearningRateTracker(Tracker.fixed(0.01f))
                                .build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void sgdStepsMatchTrainerStepExactly(String engine) {
        // SGD with momentum keeps its own state and, on PyTorch, clears the gradients like Adam:
        // a step that left them would double the next update.
        assertSameWeights(
                engine,
                block ->
                        Optimizer.sgd()
                                .setLearningRateTracker(Tracker.fixed(0.05f))
                                .optMomentum(0.9f)
                                .build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aFirstStepWithoutBackwardIsRefused(String engine) {
        withAdamStep(
                engine,
                (model, trainer, step) -> {
                    try (NDManager m = trainer.getManager().newSubManager();
                            GradientCollector gc = trainer.newGradientCollector()) {
                        trainer.forward(new NDList(m.ones(INPUT)));
                    }
                    assertThatThrownBy(step::apply)
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("every gradient is zero");
                    assertThat(step.isDirect()).isTrue();
                });
        assertThatThrownBy(() -> OptimizerStep.of(null, null))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * After the first step (which creates Adam's moments), a training step run in a manager of its
     * own leaves no array behind with the model: whatever the forward pass, the backward pass and
     * the update make goes with the step. An array left each step is native memory that grows until
     * the model closes (docs/training.md, "Memory").
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void stepsAfterTheFirstLeaveNoArrayWithTheModel(String engine) {
        withAdamStep(
                engine,
                (model, trainer, step) -> {
                    int afterFirst = 0;
                    for (int i = 0; i < 4; i++) {
                        try (NDManager m = trainer.getManager().newSubManager()) {
                            NDArray x = m.randomUniform(-1f, 1f, INPUT);
                            NDArray y = m.randomUniform(0f, 1f, new Shape(INPUT.get(0), 4));
                            try (GradientCollector gc = trainer.newGradientCollector()) {
                                NDList out = trainer.forward(new NDList(x), new NDList(y));
                                gc.backward(trainer.getLoss().evaluate(new NDList(y), out));
                            }
                            step.apply();
                        }
                        if (i == 0) {
                            afterFirst = model.getNDManager().getManagedArrays().size();
                        }
                    }
                    assertThat(model.getNDManager().getManagedArrays().size())
                            .as("arrays with the model after steps 2-4 against after step 1")
                            .isEqualTo(afterFirst);
                });
    }

    /**
     * Fresh gradients (autograd's own arrays, nothing accumulated or cleared) against the gradients
     * accumulated into the parameters: the same weights to the last bit after every step, with
     * libtorch's fused Adam (which then leaves the step's arrays alone instead of clearing the
     * parameters' gradients) and with SGD (DJL's kernel, parameter by parameter), and with two
     * backward passes before a step (the second adds to the first, as accumulation does). On MXNet
     * fresh gradients do not apply and the step says so.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void freshGradientsGiveTheSameWeightsAsAccumulatedOnes(String engine) {
        Function<Block, Optimizer> adam =
                block ->
                        ResumableAdam.builder()
                                .setBlock(block)
                                .optLearningRateTracker(Tracker.fixed(0.01f))
                                .build();
        Function<Block, Optimizer> sgd =
                block ->
                        Optimizer.sgd()
                                .setLearningRateTracker(Tracker.fixed(0.05f))
                                .optMomentum(0.9f)
                                .build();
        long gradientsBefore = TorchGradients.calls();
        long fusedBefore = TorchFusedAdam.calls();
        for (Function<Block, Optimizer> optimizer : List.of(adam, sgd)) {
            for (int passes = 1; passes <= 2; passes++) {
                List<float[]> accumulated =
                        trainThroughStep(engine, optimizer, Gradients.ACCUMULATED, passes);
                List<float[]> fresh = trainThroughStep(engine, optimizer, Gradients.FRESH, passes);
                for (int i = 0; i < fresh.size(); i++) {
                    assertThat(fresh.get(i))
                            .as(
                                    "%d backward passes a step, parameter %d after %d steps",
                                    passes, i % parameterCount(), i / parameterCount())
                            .containsExactly(accumulated.get(i));
                }
                assertThat(fresh.get(0)).isNotEqualTo(fresh.get(fresh.size() - parameterCount()));
            }
        }
        // On PyTorch, fresh gradients: Adam's steps one call each (backward passes and the fused
        // update), SGD's gradients computed once a step, both for one and two passes a step;
        // accumulated gradients: Adam's fused update alone, one call a step. None on MXNet.
        boolean torch = "PyTorch".equals(engine);
        assertThat(TorchGradients.calls() - gradientsBefore).isEqualTo(torch ? 2L * STEPS : 0L);
        assertThat(TorchFusedAdam.calls() - fusedBefore).isEqualTo(torch ? 4L * STEPS : 0L);
    }

    /**
     * A parameter the loss does not depend on gets a zero gradient, as it would accumulate; a
     * channels-last weight (as the networks' convolutions are on PyTorch) gets its gradient in its
     * own layout, so the fused kernel takes it; a weight the kernel cannot walk (a transposed
     * matrix) is not updated, and its gradient comes back for DJL's kernel.
     */
    @Test
    void freshGradientsCoverUnusedChannelsLastAndRefusedWeights() {
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                NDManager into = m.newSubManager()) {
            NDArray used = m.create(new float[] {1, 2, 3});
            used.setRequiresGradient(true);
            NDArray unused = m.create(new float[] {4, 5});
            unused.setRequiresGradient(true);
            // (N, C, H, W) = (2, 3, 2, 2) stored as (N, H, W, C); autograd's gradient of the
            // product with a row-major k is row-major.
            NDArray channelsLast =
                    m.arange(24f).reshape(2, 2, 2, 3).transpose(0, 3, 1, 2).duplicate();
            channelsLast.setRequiresGradient(true);
            NDArray k = m.arange(24f).reshape(2, 3, 2, 2).add(1f);
            List<NDArray> weights = List.of(used, unused, channelsLast);

            NDList grads;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray loss = used.mul(used).sum().add(channelsLast.mul(k).sum());
                grads = TorchGradients.compute(List.of(loss), weights, into).orElseThrow();
            }
            assertThat(grads.get(0).toFloatArray()).containsExactly(2, 4, 6);
            assertThat(grads.get(1).toFloatArray()).containsExactly(0, 0);
            assertThat(grads.get(2).getShape()).isEqualTo(new Shape(2, 3, 2, 2));
            assertThat(grads.get(2).toFloatArray()).containsExactly(k.toFloatArray());
            assertThat(grads.get(0).getManager()).isSameAs(into);

            // Moments computed from each weight take its strides, as ResumableAdam makes them.
            List<NDArray> means = new ArrayList<>();
            List<NDArray> variances = new ArrayList<>();
            for (NDArray w : weights) {
                means.add(w.mul(0));
                variances.add(w.mul(0));
            }
            float[] unusedBefore = unused.toFloatArray();
            float[] channelsLastBefore = channelsLast.toFloatArray();
            TorchFusedAdam.Hyper hyper = new TorchFusedAdam.Hyper(0.1f, 1e-8f, 0f, 0.9f, 0.999f);
            TorchFusedAdam.LossUpdate r;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray loss = used.mul(used).sum().add(channelsLast.mul(k).sum());
                r =
                        TorchFusedAdam.updateFromLosses(
                                List.of(loss), weights, means, variances, hyper, 1, into);
            }
            assertThat(r.updated())
                    .as("the channels-last weight's gradient is laid out like it")
                    .isTrue();
            // Adam's first step moves every weight with a non-zero gradient by the learning rate.
            assertThat(channelsLast.toFloatArray()[0])
                    .isCloseTo(channelsLastBefore[0] - 0.1f, within(1e-5f));
            assertThat(unused.toFloatArray()).containsExactly(unusedBefore);

            NDArray transposed = m.arange(6f).reshape(2, 3).transpose().duplicate();
            transposed.setRequiresGradient(true);
            float[] transposedBefore = transposed.toFloatArray();
            try (NDArray mean = transposed.mul(0);
                    NDArray variance = transposed.mul(0);
                    GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray loss = transposed.mul(3f).sum();
                r =
                        TorchFusedAdam.updateFromLosses(
                                List.of(loss),
                                List.of(transposed),
                                List.of(mean),
                                List.of(variance),
                                hyper,
                                1,
                                into);
            }
            assertThat(r.updated()).isFalse();
            assertThat(r.gradients().singletonOrThrow().toFloatArray()).containsOnly(3f);
            assertThat(r.gradients().head().getManager()).isSameAs(into);
            assertThat(transposed.toFloatArray()).containsExactly(transposedBefore);
        }
    }

    /** What a test does with a tiny network's model, its trainer and their direct Adam step. */
    private interface AdamStepTest {
        void run(Model model, Trainer trainer, OptimizerStep step);
    }

    private static void withAdamStep(String engine, AdamStepTest test) {
        Block block = TinyNets.keypointNet();
        try (Model model = Model.newInstance("step", Device.cpu(), engine)) {
            model.setBlock(block);
            Optimizer adam = ResumableAdam.builder().setBlock(block).build();
            try (Trainer trainer = initializedTrainer(model, adam)) {
                test.run(model, trainer, OptimizerStep.of(trainer, adam));
            }
        }
    }

    private static void assertSameWeights(String engine, Function<Block, Optimizer> optimizer) {
        // The block's builder installs a seeded initialiser: both runs start from the same weights.
        List<float[]> viaTrainer = train(engine, optimizer, false);
        List<float[]> direct = train(engine, optimizer, true);
        assertThat(direct).hasSameSizeAs(viaTrainer);
        for (int i = 0; i < direct.size(); i++) {
            assertThat(direct.get(i))
                    .as("parameter %d after %d steps", i % parameterCount(), i / parameterCount())
                    .containsExactly(viaTrainer.get(i));
        }
        // The weights moved: an update that did nothing would also match.
        assertThat(direct.get(0)).isNotEqualTo(direct.get(direct.size() - parameterCount()));
    }

    private static int parameterCount() {
        return (int) TinyNets.keypointNet().getParameters().size();
    }

    private static Trainer initializedTrainer(Model model, Optimizer optimizer) {
        Trainer trainer =
                model.newTrainer(
                        new DefaultTrainingConfig(new MseLoss(MseLoss.Reduction.MEAN))
                                .optOptimizer(optimizer));
        trainer.initialize(INPUT);
        return trainer;
    }

    /**
     * Every parameter's values after each of the steps, the backward passes going through the step
     * ({@code passes} of them a step, each on its own batch).
     */
    private static List<float[]> trainThroughStep(
            String engine, Function<Block, Optimizer> optimizerFor, Gradients where, int passes) {
        return weightsAfterEachStep(
                engine,
                optimizerFor,
                where,
                (c, s) -> {
                    for (int pass = 0; pass < passes; pass++) {
                        NDList[] batch = randomBatch(c.rnd(), c.manager());
                        try (GradientCollector gc = c.trainer().newGradientCollector()) {
                            NDList preds = c.trainer().forward(batch[0], batch[1]);
                            c.step().backward(gc, c.trainer().getLoss().evaluate(batch[1], preds));
                        }
                    }
                    boolean fresh = where == Gradients.FRESH && "PyTorch".equals(engine);
                    assertThat(c.step().holdsBackward()).isEqualTo(fresh);
                    c.step().apply();
                    assertThat(c.step().holdsBackward()).isFalse();
                    if (fresh) {
                        // The parameters' own gradients were never written.
                        for (Pair<String, Parameter> p : c.block().getParameters()) {
                            if (p.getValue().requiresGradient()) {
                                try (NDArray g = p.getValue().getArray().getGradient()) {
                                    assertThat(g.toFloatArray()).containsOnly(0f);
                                }
                            }
                        }
                    }
                    if (c.optimizer() instanceof ResumableAdam a && "PyTorch".equals(engine)) {
                        assertThat(a.fusedUpdates()).as("fused updates").isEqualTo(s + 1L);
                    }
                });
    }

    /** A tiny network's training set-up, as a step of {@link #weightsAfterEachStep} gets it. */
    private record StepContext(
            Block block,
            Optimizer optimizer,
            Trainer trainer,
            OptimizerStep step,
            Random rnd,
            NDManager manager) {}

    /** What one step of {@link #weightsAfterEachStep} does; {@code s} counts from 0. */
    private interface StepBody {
        void run(StepContext c, int s);
    }

    /**
     * Trains a fresh tiny network {@link #STEPS} steps, each in a manager of its own, and returns
     * every parameter's values (running statistics too) after each step.
     */
    private static List<float[]> weightsAfterEachStep(
            String engine,
            Function<Block, Optimizer> optimizerFor,
            Gradients where,
            StepBody body) {
        Block block = TinyNets.keypointNet();
        List<float[]> out = new ArrayList<>();
        try (Model model = Model.newInstance("step", Device.cpu(), engine)) {
            model.setBlock(block);
            Optimizer optimizer = optimizerFor.apply(block);
            try (Trainer trainer = initializedTrainer(model, optimizer)) {
                OptimizerStep step = OptimizerStep.of(trainer, optimizer, where);
                Random rnd = new Random(7);
                for (int s = 0; s < STEPS; s++) {
                    try (NDManager m = trainer.getManager().newSubManager()) {
                        body.run(new StepContext(block, optimizer, trainer, step, rnd, m), s);
                    }
                    for (Pair<String, Parameter> p : block.getParameters()) {
                        out.add(p.getValue().getArray().toFloatArray());
                    }
                }
            }
        }
        return out;
    }

    /**
     * A batch of {@link #INPUT} images and 4 labels each, drawn from {@code rnd}: {data, labels}.
     */
    private static NDList[] randomBatch(Random rnd, NDManager m) {
        float[] x = new float[(int) INPUT.size()];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat() - 0.5f;
        }
        float[] y = new float[3 * 4];
        for (int i = 0; i < y.length; i++) {
            y[i] = rnd.nextFloat();
        }
        return new NDList[] {
            new NDList(m.create(x, INPUT)), new NDList(m.create(y, new Shape(3, 4)))
        };
    }

    /** Every parameter's values (running statistics too) after each of the steps. */
    private static List<float[]> train(
            String engine, Function<Block, Optimizer> optimizerFor, boolean direct) {
        return weightsAfterEachStep(
                engine,
                optimizerFor,
                Gradients.ACCUMULATED,
                (c, s) -> {
                    NDList[] batch = randomBatch(c.rnd(), c.manager());
                    try (GradientCollector gc = c.trainer().newGradientCollector()) {
                        NDList preds = c.trainer().forward(batch[0], batch[1]);
                        gc.backward(c.trainer().getLoss().evaluate(batch[1], preds));
                    }
                    if (direct) {
                        c.step().apply();
                    } else {
                        c.trainer().step();
                    }
                    assertThat(c.step().isDirect()).isEqualTo(direct);
                });
    }
}
