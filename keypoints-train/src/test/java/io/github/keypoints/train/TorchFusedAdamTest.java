package io.github.keypoints.train;

import static org.assertj.core.api.Assertions.assertThat;

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
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ResumableAdam#updateAll} on PyTorch with libtorch's fused kernel ({@link TorchFusedAdam})
 * against the same optimiser with the kernel off (DJL's per-parameter kernel): the same weights up
 * to rounding, in the default layout and channels-last, with a weight decay and a learning rate
 * that changes per step; and the cases the fused kernel must leave to DJL's.
 */
class TorchFusedAdamTest {

    private static final int STEPS = 5;
    private static final List<Shape> SHAPES =
            List.of(new Shape(8, 3, 3, 3), new Shape(8), new Shape(5, 24), new Shape(5));
    private static final List<String> IDS = List.of("conv", "bias", "linear", "linearBias");

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void fusedUpdatesFollowDjlsKernel(boolean channelsLast) {
        UnaryOperator<NDArray> layout = channelsLast ? TorchFusedAdamTest::channelsLast : a -> a;
        long before = TorchFusedAdam.calls();
        List<float[]> fused = run(true, b -> b.optWeightDecays(1e-3f), layout, layout, true);
        assertThat(TorchFusedAdam.calls() - before).isEqualTo(STEPS);
        List<float[]> plain = run(false, b -> b.optWeightDecays(1e-3f), layout, layout, false);
        assertClose(fused, plain);
    }

    @Test
    void aWeightLaidOutUnlikeItsGradientGoesThroughDjlsKernel() {
        long before = TorchFusedAdam.calls();
        List<float[]> refused = run(true, b -> b, TorchFusedAdamTest::channelsLast, a -> a, false);
        assertThat(TorchFusedAdam.calls()).isEqualTo(before);
        List<float[]> plain = run(false, b -> b, TorchFusedAdamTest::channelsLast, a -> a, false);
        assertSame(refused, plain);
    }

    @Test
    void argumentsLibtorchRefusesLeaveEverythingAsItWas() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Shape s = new Shape(4);
            NDArray w = m.create(new float[] {1, 2, 3, 4});
            // Same shape and strides, so the module's layout check passes; the kernel's own check
            // of the data types does not.
            NDArray g = m.create(new double[] {1, 1, 1, 1});
            NDArray mean = m.zeros(s);
            NDArray variance = m.zeros(s);
            long before = TorchFusedAdam.calls();
            boolean updated =
                    TorchFusedAdam.update(
                            List.of(w),
                            List.of(g),
                            List.of(mean),
                            List.of(variance),
                            new TorchFusedAdam.Hyper(0.1f, 1e-8f, 0f, 0.9f, 0.999f),
                            1);
            assertThat(updated).isFalse();
            assertThat(TorchFusedAdam.calls()).isEqualTo(before);
            assertThat(w.toFloatArray()).containsExactly(1, 2, 3, 4);
            assertThat(g.toDoubleArray()).containsExactly(1, 1, 1, 1);
            assertThat(mean.toFloatArray()).containsOnly(0f);
        }
    }

    @Test
    void clippedGradientsGoThroughDjlsKernel() {
        long before = TorchFusedAdam.calls();
        List<float[]> clipped = run(true, b -> b.optClipGrad(0.5f), a -> a, a -> a, false);
        assertThat(TorchFusedAdam.calls()).isEqualTo(before);
        assertSame(clipped, run(false, b -> b.optClipGrad(0.5f), a -> a, a -> a, false));
    }

    @Test
    void theSystemPropertyTurnsTheKernelOff() {
        long before = TorchFusedAdam.calls();
        String old = System.setProperty(TorchFusedAdam.PROPERTY, "false");
        try {
            assertSame(
                    run(true, b -> b, a -> a, a -> a, false),
                    run(false, b -> b, a -> a, a -> a, false));
        } finally {
            if (old == null) {
                System.clearProperty(TorchFusedAdam.PROPERTY);
            } else {
                System.setProperty(TorchFusedAdam.PROPERTY, old);
            }
        }
        assertThat(TorchFusedAdam.calls()).isEqualTo(before);
    }

    /**
     * Training steps through {@link OptimizerStep}: with the kernel on, the gradients it is given
     * are the parameters' own, and it must clear them as DJL's kernel does (else the next backward
     * pass adds to them and the runs part).
     */
    @Test
    void trainingStepsWithTheFusedKernelFollowDjlsKernel() {
        long before = TorchFusedAdam.calls();
        List<float[]> fused = train(true);
        assertThat(TorchFusedAdam.calls() - before).isEqualTo(4);
        List<float[]> plain = train(false);
        assertClose(fused, plain);
        assertThat(fused.get(0)).isNotEqualTo(fused.get(fused.size() - 3));
    }

    /**
     * The weights after each of {@link #STEPS} updates of {@link #SHAPES} from seeded values and
     * gradients; asserts that each update went through the fused kernel (and cleared the gradients)
     * if {@code expectFused}, and that none did otherwise.
     */
    private static List<float[]> run(
            boolean fusedKernel,
            UnaryOperator<ResumableAdam.Builder> options,
            UnaryOperator<NDArray> weightLayout,
            UnaryOperator<NDArray> gradientLayout,
            boolean expectFused) {
        List<float[]> out = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            ResumableAdam adam =
                    options.apply(
                                    ResumableAdam.builder()
                                            .setBlock(TinyNets.keypointNet())
                                            .optFusedKernel(fusedKernel)
                                            // Large enough to tell the kernels' two ways of
                                            // applying epsilon apart if they were not matched.
                                            .optEpsilon(0.05f)
                                            .optLearningRateTracker(
                                                    Tracker.factor()
                                                            .setBaseValue(0.01f)
                                                            .setFactor(0.9f)
                                                            .build()))
                            .build();
            Random rnd = new Random(3);
            List<NDArray> weights = new ArrayList<>();
            for (Shape s : SHAPES) {
                weights.add(weightLayout.apply(m.create(values(rnd, s), s)));
            }
            for (int step = 0; step < STEPS; step++) {
                List<NDArray> grads = new ArrayList<>();
                for (Shape s : SHAPES) {
                    grads.add(gradientLayout.apply(m.create(values(rnd, s), s)));
                }
                adam.updateAll(IDS, weights, grads);
                for (NDArray w : weights) {
                    out.add(w.toFloatArray());
                }
                if (expectFused) {
                    for (NDArray g : grads) {
                        assertThat(g.abs().sum().getFloat()).isZero();
                    }
                }
            }
            assertThat(adam.stepCount("conv")).isEqualTo(STEPS);
            assertThat(adam.fusedUpdates()).isEqualTo(expectFused ? STEPS : 0);
        }
        return out;
    }

    /** Every trainable parameter after each of 4 steps of {@link TinyNets#keypointNet()}. */
    private static List<float[]> train(boolean fusedKernel) {
        Block block = TinyNets.keypointNet();
        Shape input = new Shape(3, 1, 12, 12);
        List<float[]> out = new ArrayList<>();
        try (Model model = Model.newInstance("fused", Device.cpu(), "PyTorch")) {
            model.setBlock(block);
            ResumableAdam adam =
                    ResumableAdam.builder()
                            .setBlock(block)
                            .optFusedKernel(fusedKernel)
                            .optLearningRateTracker(Tracker.fixed(0.01f))
                            .build();
            try (Trainer trainer =
                    model.newTrainer(
                            new DefaultTrainingConfig(new MseLoss(MseLoss.Reduction.MEAN))
                                    .optOptimizer(adam))) {
                trainer.initialize(input);
                OptimizerStep step = OptimizerStep.of(trainer, adam);
                Random rnd = new Random(7);
                for (int s = 0; s < 4; s++) {
                    try (NDManager m = trainer.getManager().newSubManager()) {
                        NDList data = new NDList(m.create(values(rnd, input), input));
                        NDList labels =
                                new NDList(m.create(values(rnd, new Shape(3, 4)), new Shape(3, 4)));
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            gc.backward(
                                    trainer.getLoss()
                                            .evaluate(labels, trainer.forward(data, labels)));
                        }
                        step.apply();
                    }
                    for (Pair<String, Parameter> p : block.getParameters()) {
                        if (p.getValue().requiresGradient()) {
                            out.add(p.getValue().getArray().toFloatArray());
                        }
                    }
                }
                assertThat(step.isDirect()).isTrue();
            }
        }
        return out;
    }

    private static float[] values(Random rnd, Shape s) {
        float[] v = new float[(int) s.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian() * 0.5f;
        }
        return v;
    }

    /** The same values, 4-D arrays channels-last in memory (a copy with permuted strides). */
    private static NDArray channelsLast(NDArray x) {
        Shape s = x.getShape();
        if (s.dimension() != 4) {
            return x;
        }
        try (NDArray view = x.transpose(0, 2, 3, 1);
                NDArray flat = view.flatten();
                NDArray nhwc = flat.reshape(s.get(0), s.get(2), s.get(3), s.get(1));
                NDArray back = nhwc.transpose(0, 3, 1, 2)) {
            return back.duplicate();
        }
    }

    private static void assertClose(List<float[]> actual, List<float[]> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.size(); i++) {
            float[] a = actual.get(i);
            float[] e = expected.get(i);
            assertThat(a).hasSameSizeAs(e);
            for (int k = 0; k < a.length; k++) {
                assertThat((double) a[k])
                        .as("array %d, value %d", i, k)
                        .isCloseTo(
                                e[k],
                                org.assertj.core.data.Offset.offset(1e-6 + 1e-5 * Math.abs(e[k])));
            }
        }
    }

    private static void assertSame(List<float[]> actual, List<float[]> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.size(); i++) {
            assertThat(actual.get(i)).as("array %d", i).containsExactly(expected.get(i));
        }
    }
}
