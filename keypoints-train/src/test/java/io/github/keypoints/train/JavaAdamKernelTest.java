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
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import io.github.keypoints.models.MxArrayMemory;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@link ResumableAdam#updateAll} on MXNet with {@link JavaAdamKernel} over MXNet's memory against
 * the same optimiser with it off (MXNet's own {@code adam_update}, parameter by parameter): the
 * same weights bit for bit, for arrays small and large (split across threads, not a whole number of
 * chunks), with weight decay, a learning rate that changes per step, rescaled and clipped
 * gradients, and in training steps through {@link OptimizerStep}.
 */
class JavaAdamKernelTest {

    private static final int STEPS = 5;

    /** Small arrays, and one of 150,001 values: two threads' parts, neither a whole chunk count. */
    private static final List<Shape> SHAPES =
            List.of(new Shape(8, 3, 3, 3), new Shape(8), new Shape(5, 24), new Shape(150_001));

    private static final List<String> IDS = List.of("conv", "bias", "linear", "large");

    @Test
    void updatesFollowMxnetsKernelExactly() {
        UnaryOperator<ResumableAdam.Builder> decay = b -> b.optWeightDecays(1e-3f);
        assertIdentical(run(true, decay), run(false, decay));
    }

    @Test
    void rescaledAndClippedGradientsFollowMxnetsKernelExactly() {
        UnaryOperator<ResumableAdam.Builder> clip =
                b -> b.optClipGrad(0.3f).setRescaleGrad(2f).optWeightDecays(1e-2f);
        assertIdentical(run(true, clip), run(false, clip));
    }

    @Test
    void theSystemPropertyKeepsMxnetsKernel() {
        String old = System.setProperty(ResumableAdam.JAVA_KERNEL_PROPERTY, "false");
        try {
            List<float[]> off = run(true, b -> b);
            assertIdentical(off, run(false, b -> b));
        } finally {
            if (old == null) {
                System.clearProperty(ResumableAdam.JAVA_KERNEL_PROPERTY);
            } else {
                System.setProperty(ResumableAdam.JAVA_KERNEL_PROPERTY, old);
            }
        }
    }

    /**
     * Training steps through {@link OptimizerStep}: the kernel reads gradients MXNet's backward
     * pass has only queued, and the next forward pass must see the weights it wrote.
     */
    @Test
    void trainingStepsFollowMxnetsKernelExactly() {
        List<float[]> java = train(true);
        List<float[]> mxnet = train(false);
        assertIdentical(java, mxnet);
        assertThat(java.get(0)).isNotEqualTo(java.get(java.size() - 4));
    }

    /** The split across threads and chunks against the formula written out, element by element. */
    @Test
    void everyThreadAndChunkUpdatesItsOwnValues() {
        Random rnd = new Random(11);
        int n = 3 * 65_536 + 4_097;
        float[] w = values(rnd, n);
        float[] g = values(rnd, n);
        float[] m = values(rnd, n);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = Math.abs(values(rnd, 1)[0]);
        }
        JavaAdamKernel.Hyper h =
                new JavaAdamKernel.Hyper(0.01f, 0.1f, 1.5f, -1f, 0.9f, 0.99f, 1e-3f);
        float[] ew = w.clone();
        float[] em = m.clone();
        float[] ev = v.clone();
        for (int i = 0; i < n; i++) {
            float gi = g[i] * 1.5f + ew[i] * 0.1f;
            em[i] = 0.9f * em[i] + (1f - 0.9f) * gi;
            ev[i] = 0.99f * ev[i] + (1f - 0.99f) * gi * gi;
            ew[i] = ew[i] - 0.01f * em[i] / ((float) Math.sqrt(ev[i]) + 1e-3f);
        }
        JavaAdamKernel.update(
                FloatBuffer.wrap(w),
                FloatBuffer.wrap(g),
                FloatBuffer.wrap(m),
                FloatBuffer.wrap(v),
                h,
                3);
        assertBits(w, ew, "weight");
        assertBits(m, em, "first moment");
        assertBits(v, ev, "second moment");
    }

    @Test
    void buffersOfDifferentLengthsAreRefused() {
        JavaAdamKernel.Hyper h = new JavaAdamKernel.Hyper(0.01f, 0f, 1f, -1f, 0.9f, 0.99f, 1e-8f);
        FloatBuffer four = FloatBuffer.allocate(4);
        assertThatThrownBy(
                        () ->
                                JavaAdamKernel.update(
                                        four, FloatBuffer.allocate(3), four, four, h, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("gradient of 3");
    }

    @Test
    void viewsAreOfMxnetFloatArraysOnly() {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            NDArray ints = m.create(new int[] {1, 2});
            assertThat(MxArrayMemory.appliesTo(ints)).isFalse();
            assertThatThrownBy(() -> MxArrayMemory.view(ints, false))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("int32");
            NDArray floats = m.create(new float[] {1, 2, 3}).add(1);
            FloatBuffer view = MxArrayMemory.view(floats, true);
            assertThat(view.limit()).isEqualTo(3);
            assertThat(view.get(2)).isEqualTo(4f);
            view.put(0, 9f);
            assertThat(floats.toFloatArray()).containsExactly(9f, 3f, 4f);
        }
    }

    /**
     * The weights after each of {@link #STEPS} updates of {@link #SHAPES} from seeded values and
     * gradients, asserting that every update went through the Java kernel where it was on (and the
     * system property did not turn it off), none otherwise.
     */
    private static List<float[]> run(
            boolean javaKernel, UnaryOperator<ResumableAdam.Builder> options) {
        List<float[]> out = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "MXNet")) {
            ResumableAdam adam =
                    options.apply(
                                    ResumableAdam.builder()
                                            .setBlock(TinyNets.keypointNet())
                                            .optFusedKernel(javaKernel)
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
                weights.add(m.create(values(rnd, (int) s.size()), s));
            }
            for (int step = 0; step < STEPS; step++) {
                List<NDArray> grads = new ArrayList<>();
                for (Shape s : SHAPES) {
                    grads.add(m.create(values(rnd, (int) s.size()), s));
                }
                if (step == 2) {
                    // Queued work on a gradient: the kernel must wait for it.
                    grads.set(0, grads.get(0).mul(3));
                }
                adam.updateAll(IDS, weights, grads);
                for (NDArray w : weights) {
                    out.add(w.toFloatArray());
                }
            }
            assertThat(adam.stepCount("conv")).isEqualTo(STEPS);
            boolean expectJava = javaKernel && ResumableAdam.isJavaKernelEnabled();
            assertThat(adam.fusedUpdates()).isEqualTo(expectJava ? STEPS : 0);
        }
        return out;
    }

    /** Every trainable parameter after each of 4 steps of {@link TinyNets#keypointNet()}. */
    private static List<float[]> train(boolean javaKernel) {
        Block block = TinyNets.keypointNet();
        Shape input = new Shape(3, 1, 12, 12);
        List<float[]> out = new ArrayList<>();
        try (Model model = Model.newInstance("java-adam", Device.cpu(), "MXNet")) {
            model.setBlock(block);
            ResumableAdam adam =
                    ResumableAdam.builder()
                            .setBlock(block)
                            .optFusedKernel(javaKernel)
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
                        NDList data = new NDList(m.create(values(rnd, (int) input.size()), input));
                        NDList labels = new NDList(m.create(values(rnd, 12), new Shape(3, 4)));
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
                assertThat(adam.fusedUpdates()).isEqualTo(javaKernel ? 4 : 0);
            }
        }
        return out;
    }

    private static void assertIdentical(List<float[]> actual, List<float[]> expected) {
        assertThat(actual).hasSameSizeAs(expected);
        for (int i = 0; i < actual.size(); i++) {
            assertBits(actual.get(i), expected.get(i), "array " + i);
        }
    }

    /** The same values bit for bit (AssertJ's element-wise comparison is slow on 150,000). */
    private static void assertBits(float[] actual, float[] expected, String what) {
        int at = Arrays.mismatch(actual, expected);
        assertThat(at)
                .as(
                        "%s: first difference at %d (%s, expected %s)",
                        what,
                        at,
                        at < 0 || at >= actual.length ? "-" : actual[at],
                        at < 0 || at >= expected.length ? "-" : expected[at])
                .isEqualTo(-1);
    }

    private static float[] values(Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian() * 0.5f;
        }
        return v;
    }
}
