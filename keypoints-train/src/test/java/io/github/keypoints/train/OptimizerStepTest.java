package io.github.keypoints.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
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
