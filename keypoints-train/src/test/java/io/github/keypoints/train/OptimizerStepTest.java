package io.github.keypoints.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        long before = TorchGradients.calls();
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
        // 2 optimisers x (1 + 2 passes) x STEPS backward passes on PyTorch, none on MXNet.
        assertThat(TorchGradients.calls() - before)
                .isEqualTo("PyTorch".equals(engine) ? 2L * 3 * STEPS : 0L);
    }

    /**
     * A parameter the loss does not depend on gets a zero gradient, as it would accumulate; a
     * weight laid out otherwise than autograd's gradient gets its gradient in its own layout, with
     * the right values.
     */
    @Test
    void freshGradientsCoverUnusedAndOddlyLaidOutWeights() {
        try (NDManager m = NDManager.newBaseManager("PyTorch");
                NDManager into = m.newSubManager()) {
            NDArray used = m.create(new float[] {1, 2, 3});
            used.setRequiresGradient(true);
            NDArray unused = m.create(new float[] {4, 5});
            unused.setRequiresGradient(true);
            // A channels-last leaf (N, C, H, W) = (2, 3, 2, 2) stored as (N, H, W, C), like the
            // networks' convolution weights on PyTorch; autograd's gradient here is row-major.
            NDArray channelsLast =
                    m.arange(24f).reshape(2, 2, 2, 3).transpose(0, 3, 1, 2).duplicate();
            NDArray k = m.arange(24f).reshape(2, 3, 2, 2).add(1f);
            channelsLast.setRequiresGradient(true);
            NDList grads;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray loss = used.mul(used).sum().add(channelsLast.mul(k).sum());
                grads =
                        TorchGradients.compute(loss, List.of(used, unused, channelsLast), into)
                                .orElseThrow();
            }
            assertThat(grads.get(0).toFloatArray()).containsExactly(2, 4, 6);
            assertThat(grads.get(1).toFloatArray()).containsExactly(0, 0);
            assertThat(grads.get(2).getShape()).isEqualTo(new Shape(2, 3, 2, 2));
            assertThat(grads.get(2).toFloatArray()).containsExactly(k.toFloatArray());
            assertThat(grads.get(0).getManager()).isSameAs(into);
            // The fused kernel takes a weight only with a gradient and moments of its layout
            // (moments computed from the weight take its strides, as ResumableAdam makes them).
            try (NDArray mean = channelsLast.mul(0);
                    NDArray variance = channelsLast.mul(0)) {
                assertThat(
                                TorchFusedAdam.update(
                                        List.of(channelsLast),
                                        List.of(grads.get(2)),
                                        List.of(mean),
                                        List.of(variance),
                                        new TorchFusedAdam.Hyper(0.1f, 1e-8f, 0f, 0.9f, 0.999f),
                                        1,
                                        false))
                        .as("the channels-last weight's gradient is laid out like it")
                        .isTrue();
            }
            // Left alone, not cleared: the step drops its own arrays.
            assertThat(grads.get(2).toFloatArray()).containsExactly(k.toFloatArray());
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
                        for (int pass = 0; pass < passes; pass++) {
                            float[] x = new float[(int) INPUT.size()];
                            for (int i = 0; i < x.length; i++) {
                                x[i] = rnd.nextFloat() - 0.5f;
                            }
                            float[] y = new float[3 * 4];
                            for (int i = 0; i < y.length; i++) {
                                y[i] = rnd.nextFloat();
                            }
                            NDList data = new NDList(m.create(x, INPUT));
                            NDList labels = new NDList(m.create(y, new Shape(3, 4)));
                            try (GradientCollector gc = trainer.newGradientCollector()) {
                                NDList preds = trainer.forward(data, labels);
                                step.backward(gc, trainer.getLoss().evaluate(labels, preds));
                            }
                        }
                        boolean fresh = where == Gradients.FRESH && "PyTorch".equals(engine);
                        assertThat(step.holdsGradients()).isEqualTo(fresh);
                        if (fresh) {
                            // The parameters' own gradients were left alone.
                            for (Pair<String, Parameter> p : block.getParameters()) {
                                NDArray a = p.getValue().getArray();
                                if (p.getValue().requiresGradient()) {
                                    try (NDArray g = a.getGradient()) {
                                        assertThat(g.toFloatArray()).containsOnly(0f);
                                    }
                                }
                            }
                        }
                        step.apply();
                        assertThat(step.holdsGradients()).isFalse();
                    }
                    if (optimizer instanceof ResumableAdam a && "PyTorch".equals(engine)) {
                        assertThat(a.fusedUpdates()).as("fused updates").isEqualTo(s + 1L);
                    }
                    for (Pair<String, Parameter> p : block.getParameters()) {
                        out.add(p.getValue().getArray().toFloatArray());
                    }
                }
            }
        }
        return out;
    }

    /** Every parameter's values (running statistics too) after each of the steps. */
    private static List<float[]> train(
            String engine, Function<Block, Optimizer> optimizerFor, boolean direct) {
        Block block = TinyNets.keypointNet();
        List<float[]> out = new ArrayList<>();
        try (Model model = Model.newInstance("step", Device.cpu(), engine)) {
            model.setBlock(block);
            Optimizer optimizer = optimizerFor.apply(block);
            try (Trainer trainer = initializedTrainer(model, optimizer)) {
                OptimizerStep step = OptimizerStep.of(trainer, optimizer);
                Random rnd = new Random(7);
                for (int s = 0; s < STEPS; s++) {
                    float[] x = new float[(int) INPUT.size()];
                    for (int i = 0; i < x.length; i++) {
                        x[i] = rnd.nextFloat() - 0.5f;
                    }
                    float[] y = new float[3 * 4];
                    for (int i = 0; i < y.length; i++) {
                        y[i] = rnd.nextFloat();
                    }
                    try (NDManager m = trainer.getManager().newSubManager()) {
                        NDList data = new NDList(m.create(x, INPUT));
                        NDList labels = new NDList(m.create(y, new Shape(3, 4)));
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDList preds = trainer.forward(data, labels);
                            gc.backward(trainer.getLoss().evaluate(labels, preds));
                        }
                        if (direct) {
                            step.apply();
                        } else {
                            trainer.step();
                        }
                    }
                    for (Pair<String, Parameter> p : block.getParameters()) {
                        NDArray a = p.getValue().getArray();
                        out.add(a.toFloatArray());
                    }
                }
                assertThat(step.isDirect()).isEqualTo(direct);
            }
        }
        return out;
    }
}
