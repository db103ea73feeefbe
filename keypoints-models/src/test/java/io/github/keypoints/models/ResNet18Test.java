package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ResNet18Test {

    @Test
    void grayscaleHeadFor68PointsHasTorchvisionParameterCount() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            ResNet18 net = ResNet18.builder().setOutputs(136).optInputChannels(1).build();
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 64, 64));
            // torchvision 11,689,512 - (3-1)*64*7*7 - (1000-136)*(512+1)
            assertThat(ParameterCount.trainable(net)).isEqualTo(11_240_008L);
            // running mean and variance of the 20 BatchNorms are not trainable
            long bnChannels = 64 + 4 * 64 + (4 * 128 + 128) + (4 * 256 + 256) + (4 * 512 + 512);
            assertThat(ParameterCount.all(net) - ParameterCount.trainable(net))
                    .isEqualTo(2 * bnChannels);
        }
    }

    @Test
    void rgbThousandClassVersionMatchesTorchvisionResNet18() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            ResNet18 net = ResNet18.builder().setOutputs(1000).optInputChannels(3).build();
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 3, 32, 32));
            assertThat(ParameterCount.trainable(net)).isEqualTo(11_689_512L);
        }
    }

    @Test
    void torchvisionNamesCoverEveryParameterOnce() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            ResNet18 net = ResNet18.builder().setOutputs(136).build();
            net.initialize(manager, DataType.FLOAT32, new Shape(1, 1, 32, 32));
            Map<String, Parameter> names = net.torchvisionParameters();
            // torchvision's state_dict has 122 entries; 20 are num_batches_tracked
            assertThat(names).hasSize(102);
            assertThat(names.values()).doesNotHaveDuplicates();
            assertThat(names.size()).isEqualTo(net.getParameters().size());
            assertThat(names.get("layer2.0.downsample.0.weight").getShape())
                    .isEqualTo(new Shape(128, 64, 1, 1));
            assertThat(names.get("layer4.1.bn2.running_var").getShape()).isEqualTo(new Shape(512));
            assertThat(names.get("conv1.weight").getShape()).isEqualTo(new Shape(64, 1, 7, 7));
            assertThat(names.get("fc.weight").getShape()).isEqualTo(new Shape(136, 512));
            assertThat(names).doesNotContainKey("layer1.0.downsample.0.weight");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void runsForwardInTrainingAndInferenceMode(String engine) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            ResNet18 net = ResNet18.builder().setOutputs(10).build();
            Shape input = new Shape(2, 1, 64, 64);
            net.initialize(manager, DataType.FLOAT32, input);
            NDArray x = manager.randomUniform(0, 1, input);
            ParameterStore ps = new ParameterStore(manager, false);
            NDArray eval = net.forward(ps, new NDList(x), false).singletonOrThrow();
            NDArray train;
            // MXNet runs BatchNorm in training mode only inside a gradient collector
            try (GradientCollector gc = Engine.getEngine(engine).newGradientCollector()) {
                train = net.forward(ps, new NDList(x), true).singletonOrThrow();
            }
            assertThat(eval.getShape()).isEqualTo(new Shape(2, 10));
            assertThat(train.getShape()).isEqualTo(new Shape(2, 10));
            // batch statistics differ from the initial running statistics
            assertThat(train.toFloatArray()).isNotEqualTo(eval.toFloatArray());
        }
    }

    @Test
    void wrongChannelCountIsAClearError() {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            ResNet18 net = ResNet18.builder().setOutputs(4).build();
            assertThatThrownBy(
                            () ->
                                    net.initialize(
                                            manager, DataType.FLOAT32, new Shape(1, 3, 32, 32)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("1 input channel");
        }
        assertThatThrownBy(() -> ResNet18.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setOutputs");
    }
}
