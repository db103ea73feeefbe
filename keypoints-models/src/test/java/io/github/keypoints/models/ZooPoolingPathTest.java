package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which pooling each zoo network runs on PyTorch, read from libtorch's operator profiler: a
 * training pass must use the engine's {@code max_pool2d_with_indices} (its backward is the one
 * training is meant to have) and an inference pass the index-free maximum of slices. Unlike {@link
 * MaxPoolingTest}, this sees the networks' own wiring: the activations they pool are not leaf
 * variables, which is where a rule based on {@code NDArray.hasGradient()} went wrong before.
 */
class ZooPoolingPathTest {

    @ParameterizedTest
    @CsvSource({
        "nose-tip, 80, 60",
        "imm58, 120, 90",
        "landmark-cnn, 64, 64",
        "heatmap, 40, 32",
        "resnet18, 32, 32"
    })
    void trainingPoolsWithTheEnginesOperatorAndInferenceWithout(
            String architecture, int width, int height, @TempDir Path dir) throws IOException {
        KeypointBlock block = ModelZoo.create(architecture, 10);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            Shape shape = new Shape(2, 1, height, width);
            block.initialize(manager, DataType.FLOAT32, shape);
            NDArray x = manager.randomUniform(0f, 1f, shape);
            String training =
                    trace(
                            dir.resolve("training.json"),
                            () -> {
                                try (NDManager sub = manager.newSubManager();
                                        GradientCollector gc =
                                                Engine.getEngine("PyTorch")
                                                        .newGradientCollector()) {
                                    NDArray y =
                                            block.forward(
                                                            new ParameterStore(sub, false),
                                                            new NDList(x),
                                                            true)
                                                    .head();
                                    gc.backward(y.sum());
                                }
                            });
            assertThat(training)
                    .as("%s training pass", architecture)
                    .contains("aten::max_pool2d_with_indices_backward")
                    .doesNotContain("aten::maximum");
            String inference =
                    trace(
                            dir.resolve("inference.json"),
                            () -> {
                                try (NDManager sub = manager.newSubManager()) {
                                    block.forward(
                                                    new ParameterStore(sub, false),
                                                    new NDList(x),
                                                    false)
                                            .head()
                                            .toFloatArray();
                                }
                            });
            assertThat(inference)
                    .as("%s inference pass", architecture)
                    .contains("aten::maximum")
                    .doesNotContain("max_pool2d_with_indices");
        }
    }

    private static String trace(Path file, Runnable work) throws IOException {
        JniUtils.startProfile(false, false, false);
        try {
            work.run();
        } finally {
            JniUtils.stopProfile(file.toString());
        }
        return Files.readString(file);
    }
}
