package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.LandmarkSchemeProvider;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A scheme and a network that exist only in this test (registered in the test's {@code
 * META-INF/services}) are saved with a model and load again by name, with the same outputs.
 */
class UserExtensionsTest {

    /** A three-point scheme no built-in knows. */
    public static final class EyesScheme implements LandmarkSchemeProvider {
        static final LandmarkScheme SCHEME =
                LandmarkScheme.builder()
                        .setName("test-eyes-3")
                        .setPointNames(List.of("left", "right", "between"))
                        .addGroup("eyes", 0, 1)
                        .addGroup("bridge", 2)
                        .optNormalizer(0, 1)
                        .build();

        @Override
        public List<LandmarkScheme> schemes() {
            // A built-in name is ignored: the built-in scheme wins.
            return List.of(
                    SCHEME,
                    LandmarkScheme.builder()
                            .setName("ibug-68")
                            .setPointNames(List.of("impostor"))
                            .build());
        }
    }

    /** Flatten, one hidden layer, outputs: a network no built-in knows. */
    static final class TinyMlp extends SequentialBlock implements KeypointBlock {
        private final int outputs;
        private final int hidden;

        TinyMlp(int outputs, int hidden) {
            this.outputs = outputs;
            this.hidden = hidden;
            add(Blocks.batchFlattenBlock());
            add(Linear.builder().setUnits(hidden).build());
            add(Activation.reluBlock());
            add(Linear.builder().setUnits(outputs).build());
        }

        @Override
        public String architecture() {
            return "test-tiny-mlp";
        }

        @Override
        public int outputs() {
            return outputs;
        }

        @Override
        public int inputChannels() {
            return 1;
        }

        @Override
        public Map<String, Object> config() {
            return Map.of("outputs", outputs, "hidden", hidden);
        }
    }

    /** Rebuilds {@link TinyMlp} from its saved configuration. */
    public static final class TinyMlpFactory implements KeypointBlockFactory {
        @Override
        public String architecture() {
            return "test-tiny-mlp";
        }

        @Override
        public KeypointBlock create(Map<String, ?> config) {
            return new TinyMlp(
                    ConfigValues.requiredInt(config, "outputs"),
                    ConfigValues.requiredInt(config, "hidden"));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aUsersSchemeAndNetworkSaveAndLoadByName(String engine, @TempDir Path tmp)
            throws Exception {
        assertThat(LandmarkScheme.names())
                .contains("imm-58", "test-eyes-3")
                .doesNotHaveDuplicates();
        assertThat(LandmarkScheme.named("test-eyes-3")).isSameAs(EyesScheme.SCHEME);
        assertThat(LandmarkScheme.named("ibug-68")).isSameAs(LandmarkScheme.IBUG_68);
        assertThat(ModelZoo.architectures()).contains("heatmap", "test-tiny-mlp");
        assertThatThrownBy(() -> LandmarkScheme.named("nope"))
                .hasMessageContaining("test-eyes-3")
                .hasMessageContaining("LandmarkSchemeProvider");
        assertThatThrownBy(() -> ModelZoo.create("nope", 2))
                .hasMessageContaining("test-tiny-mlp")
                .hasMessageContaining("KeypointBlockFactory");

        ModelSpec spec =
                ModelSpec.builder()
                        .setBlock(new TinyMlp(6, 5))
                        .setScheme(EyesScheme.SCHEME)
                        .setInputSize(8, 6)
                        .build();
        Shape shape = new Shape(2, 1, 6, 8);
        Path dir = tmp.resolve("m");
        float[] before;
        try (KeypointModel model = KeypointModel.create(spec, engine, Device.cpu());
                NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            NDArray x = m.arange((float) shape.size()).div(shape.size()).reshape(shape);
            before = model.forward(x).toFloatArray();
            model.save(dir);
        }
        try (KeypointModel loaded = KeypointModel.load(dir);
                NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            assertThat(loaded.block()).isInstanceOf(TinyMlp.class);
            assertThat(loaded.spec().landmarkScheme()).isSameAs(EyesScheme.SCHEME);
            assertThat(loaded.block().config()).containsEntry("hidden", 5);
            NDArray x = m.arange((float) shape.size()).div(shape.size()).reshape(shape);
            assertThat(loaded.forward(x).toFloatArray()).containsExactly(before);
        }
    }
}
