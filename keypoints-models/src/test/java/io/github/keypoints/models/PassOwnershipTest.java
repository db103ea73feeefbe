package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A training pass of every zoo network, run in a manager of its own, leaves no array with the
 * manager that holds the parameters, on either engine, and an inference pass none after the first:
 * whatever a pass makes from a parameter (padded or re-laid-out copies) goes with the pass. An
 * array left there each pass is native memory that grows until the model closes; {@link
 * ChannelPadding}'s padded weights did that on MXNet (about 38 kB a nose-tip step) until they were
 * attached to the pass.
 */
class PassOwnershipTest {

    @ParameterizedTest(name = "{0} on {1}")
    @CsvSource({
        "nose-tip, MXNet, 30, 40",
        "nose-tip, PyTorch, 30, 40",
        "imm58, MXNet, 90, 120",
        "imm58, PyTorch, 90, 120",
        "resnet18, MXNet, 64, 64",
        "resnet18, PyTorch, 64, 64",
        "heatmap, MXNet, 64, 64",
        "heatmap, PyTorch, 64, 64",
        "landmark-cnn, MXNet, 64, 64",
        "landmark-cnn, PyTorch, 64, 64"
    })
    void passesLeaveNothingWithTheParameters(
            String architecture, String engine, int height, int width) {
        KeypointBlock block = ModelZoo.create(architecture, 4);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), engine)) {
            Shape shape = new Shape(2, 1, height, width);
            block.initialize(manager, DataType.FLOAT32, shape);
            int before = manager.getManagedArrays().size();
            for (int pass = 0; pass < 3; pass++) {
                try (NDManager sub = manager.newSubManager();
                        GradientCollector gc = manager.getEngine().newGradientCollector()) {
                    NDArray x = sub.randomUniform(-1f, 1f, shape);
                    NDList out = block.forward(new ParameterStore(sub, false), new NDList(x), true);
                    gc.backward(out.head().mul(out.head()).sum());
                }
            }
            assertThat(manager.getManagedArrays().size())
                    .as("arrays with the parameters' manager after three training passes")
                    .isEqualTo(before);
            // Inference may keep what it derives from the parameters once (folded batch norms):
            // after the first pass, the count holds.
            int afterFirst = 0;
            for (int pass = 0; pass < 4; pass++) {
                try (NDManager sub = manager.newSubManager()) {
                    NDArray x = sub.randomUniform(-1f, 1f, shape);
                    block.forward(new ParameterStore(sub, false), new NDList(x), false);
                }
                if (pass == 0) {
                    afterFirst = manager.getManagedArrays().size();
                }
            }
            assertThat(manager.getManagedArrays().size())
                    .as("arrays with the parameters' manager after inference passes 2-4")
                    .isEqualTo(afterFirst);
        }
    }
}
