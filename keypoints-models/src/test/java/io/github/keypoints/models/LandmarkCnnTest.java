package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LandmarkCnnTest {

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void defaultNetworkHasTheDocumentedShapeAndParameterCount(String engine) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            LandmarkCnn net = LandmarkCnn.builder().setOutputs(136).build();
            NDArray out = RegressorNetsTest.forward(manager, net, new Shape(2, 1, 64, 64));
            assertThat(out.getShape()).isEqualTo(new Shape(2, 136));
            assertThat(ParameterCount.trainable(net)).isEqualTo(3_806_568L);
        }
    }

    @Test
    void twoConvolutionsPerStageAndALargerInputChangeTheCountAsComputed() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            LandmarkCnn net =
                    LandmarkCnn.builder()
                            .setOutputs(10)
                            .optChannels(4, 8)
                            .optConvsPerStage(2)
                            .optHidden(6)
                            .optDropout(0.2)
                            .build();
            NDArray out = RegressorNetsTest.forward(manager, net, new Shape(1, 1, 24, 20));
            assertThat(out.getShape()).isEqualTo(new Shape(1, 10));
            long expected =
                    (9 * 4 + 8) // conv 1->4 + BN
                            + (4 * 4 * 9 + 8) // conv 4->4 + BN
                            + (4 * 8 * 9 + 16) // conv 4->8 + BN
                            + (8 * 8 * 9 + 16) // conv 8->8 + BN
                            + (8 * 6 * 5 * 6 + 6) // fc1 on 8x6x5 features
                            + (6 * 10 + 10);
            assertThat(ParameterCount.trainable(net)).isEqualTo(expected);
        }
    }

    @Test
    void theZooRebuildsItFromItsSavedConfiguration() {
        LandmarkCnn net =
                LandmarkCnn.builder()
                        .setOutputs(136)
                        .optChannels(16, 32, 64)
                        .optConvsPerStage(2)
                        .optHidden(0)
                        .optDropout(0.1)
                        .build();
        KeypointBlock again = ModelZoo.create(net.architecture(), net.config());
        assertThat(again).isInstanceOf(LandmarkCnn.class);
        assertThat(again.config()).isEqualTo(net.config());
        assertThat(ModelZoo.architectures()).contains(LandmarkCnn.NAME);
    }

    @Test
    void invalidSettingsAreNamed() {
        assertThatThrownBy(() -> LandmarkCnn.builder().build()).hasMessageContaining("outputs");
        assertThatThrownBy(() -> LandmarkCnn.builder().setOutputs(2).optChannels().build())
                .hasMessageContaining("at least one stage");
        assertThatThrownBy(() -> LandmarkCnn.builder().setOutputs(2).optConvsPerStage(0).build())
                .hasMessageContaining("convsPerStage");
        assertThatThrownBy(() -> LandmarkCnn.builder().setOutputs(2).optHidden(-1).build())
                .hasMessageContaining("hidden");
        assertThatThrownBy(() -> LandmarkCnn.builder().setOutputs(2).optDropout(1).build())
                .hasMessageContaining("dropout");
    }
}
