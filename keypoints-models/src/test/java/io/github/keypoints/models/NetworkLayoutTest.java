package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each network runs in a layout whose convolutions are right at the build's oneDNN level, and the
 * rule that picks it ({@link ConvolutionCheck#chooseLayout}). At the test build's {@code
 * AVX512_CORE} on the project's AMD EPYC of family 26 every network runs channels-last, its
 * preferred layout (2026-12-07); at {@code -Donednn.max.isa=SSE41} every network keeps the default
 * layout. On a CPU whose kernels are wrong in the preferred layout the same test sees the network
 * fall back to the other one, and checks that one in full.
 */
class NetworkLayoutTest {

    @AfterEach
    void auto() {
        System.clearProperty(ChannelsLast.PROPERTY);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.github.keypoints.models.ZooNetworkCases#all")
    void everyNetworkRunsInALayoutThatIsRightHere(String name, int outputs, int h, int w) {
        KeypointBlock block = ModelZoo.create(name, outputs);
        ConvolutionCheck.Suite suite = ConvolutionCheck.Suite.of(block);
        String isa = System.getenv("ONEDNN_MAX_CPU_ISA");
        boolean channelsLast;
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Shape s = new Shape(1, 1, h, w);
            block.initialize(m, DataType.FLOAT32, s); // chooses the layout on its convolutions
            ConvolutionCheck.verify("PyTorch", block); // throws if no layout is right
            channelsLast = ChannelsLast.isOn(block, "PyTorch");
            // the network's kind of convolutions, compared in full in the layout it runs in
            for (int c : new int[] {12, 24, 40}) {
                if (suite == ConvolutionCheck.Suite.SMALL_NETWORKS) {
                    assertThat(ConvolutionCheck.compare(m, c, channelsLast, 0)[0])
                            .as(
                                    "%s: %d channels, channels-last %s, ISA %s",
                                    name, c, channelsLast, isa)
                            .isZero();
                }
                assertThat(ConvolutionCheck.compareGradients(m, c, channelsLast, 2048)[0])
                        .as("%s: %d channels' gradients, channels-last %s", name, c, channelsLast)
                        .isZero();
            }
            // ...and every convolution it has, forward and backward, with more samples
            int[][] own = ConvolutionCheck.ownShapes(suite, block);
            assertThat(own).as("%s's own convolutions", name).isNotEmpty();
            for (int[] shape : own) {
                String what = ConvolutionCheck.describe(shape) + ", channels-last " + channelsLast;
                assertThat(ConvolutionCheck.compareShape(m, shape, channelsLast, 2048)[0])
                        .as(what)
                        .isZero();
                boolean inputGradients = ConvolutionCheck.needsInputGradient(shape);
                assertThat(
                                ConvolutionCheck.compareShapeGradients(
                                        m, shape, channelsLast, 1024, inputGradients)[0])
                        .as("%s: gradients", what)
                        .isZero();
            }
            // ...and it does run in that layout: its weights, a finite output
            int[] layout = TorchLayout.channelsLastWeights(block);
            assertThat(layout[1]).isPositive();
            assertThat(layout[0])
                    .as("%s's channels-last weights (runs channels-last: %s)", name, channelsLast)
                    .isEqualTo(channelsLast ? layout[1] : 0);
            NDArray x = m.randomUniform(0f, 1f, s);
            float[] y =
                    block.forward(new ParameterStore(m, false), new NDList(x), false)
                            .head()
                            .toFloatArray();
            for (float v : y) {
                assertThat(v).isFinite();
            }
        }
        System.out.printf(
                "%s runs %s at ONEDNN_MAX_CPU_ISA=%s (preferred: %s)%n",
                name,
                channelsLast ? "channels-last" : "in the default layout",
                isa,
                ChannelsLast.isOn() ? "channels-last" : "default");
    }

    @Test
    void thePreferredLayoutWinsWhenRightAndTheOtherIsNotAskedThen() {
        boolean preferred = ChannelsLast.isOn();
        AtomicInteger asked = new AtomicInteger();
        Optional<Boolean> l =
                ConvolutionCheck.chooseLayout(
                        () -> preferred || asked.incrementAndGet() < 0,
                        () -> !preferred || asked.incrementAndGet() < 0);
        assertThat(l).contains(preferred);
        assertThat(asked).hasValue(0);
    }

    @Test
    void underAutoAWrongPreferredLayoutFallsBackToARightOtherOne() {
        boolean preferred = ChannelsLast.isOn();
        assertThat(ConvolutionCheck.chooseLayout(() -> !preferred, () -> preferred))
                .contains(!preferred);
        assertThat(ConvolutionCheck.chooseLayout(() -> false, () -> false)).isEmpty();
    }

    @Test
    void aForcedLayoutNeverFallsBack() {
        System.setProperty(ChannelsLast.PROPERTY, "true");
        assertThat(ConvolutionCheck.chooseLayout(() -> true, () -> false)).contains(true);
        assertThat(ConvolutionCheck.chooseLayout(() -> false, () -> true)).isEmpty();
        System.setProperty(ChannelsLast.PROPERTY, "false");
        assertThat(ConvolutionCheck.chooseLayout(() -> false, () -> true)).contains(false);
        assertThat(ConvolutionCheck.chooseLayout(() -> true, () -> false)).isEmpty();
    }

    @Test
    void otherEnginesAndBlocksOutsideTheZooNeverRunChannelsLast() {
        assertThat(ChannelsLast.isOn(ModelZoo.create("nose-tip", 2), "MXNet")).isFalse();
        assertThat(ChannelsLast.isOn(new ai.djl.nn.SequentialBlock(), "PyTorch")).isFalse();
    }
}
