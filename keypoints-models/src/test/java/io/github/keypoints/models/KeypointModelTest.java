package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.preprocess.CropPolicy;
import io.github.keypoints.data.preprocess.PixelNormalization;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class KeypointModelTest {

    @TempDir Path tmp;

    /** Every architecture at a small input, with the engine pairs (save on, load on). */
    static Stream<Arguments> cases() {
        String[][] engines = {
            {"PyTorch", "PyTorch"}, {"MXNet", "MXNet"}, {"PyTorch", "MXNet"}, {"MXNet", "PyTorch"}
        };
        Stream.Builder<Arguments> b = Stream.builder();
        // The built-in networks; UserExtensionsTest covers the one its test service registers.
        for (String arch :
                List.of(
                        NoseTipNet.NAME,
                        Imm58Net.NAME,
                        ResNet18.NAME,
                        HeatmapNet.NAME,
                        LandmarkCnn.NAME)) {
            for (String[] e : engines) {
                b.add(Arguments.of(arch, e[0], e[1]));
            }
        }
        return b.build();
    }

    private static ModelSpec spec(String architecture, LandmarkScheme scheme, int w, int h) {
        KeypointBlock block = ModelZoo.create(architecture, 2 * scheme.size());
        if (architecture.equals(HeatmapNet.NAME)) {
            block = HeatmapNet.builder().setOutputs(2 * scheme.size()).optBaseChannels(4).build();
        }
        return ModelSpec.builder()
                .setBlock(block)
                .setScheme(scheme)
                .setInputSize(w, h)
                .optNormalization(
                        PixelNormalization.meanStd(new float[] {0.5f}, new float[] {0.25f}))
                .optCrop(new CropPolicy(CropPolicy.Kind.FACE_BOX, 1.3, true))
                .optProvenance(Map.of("data", "synthetic", "seed", "7"))
                .build();
    }

    /** A caller's further files land in the saved folder; a failing one leaves no folder at all. */
    @Test
    void extraFilesLandWithTheModelAndAFailingOneLeavesNothing(@TempDir Path tmp)
            throws IOException {
        ModelSpec spec = spec(NoseTipNet.NAME, LandmarkScheme.NOSE_TIP, 80, 60);
        try (KeypointModel model = KeypointModel.create(spec, "PyTorch", Device.cpu())) {
            Path dir = tmp.resolve("with-notes");
            model.save(
                    dir,
                    Map.of(),
                    folder -> Files.writeString(folder.resolve("notes.txt"), "synthetic faces"));
            assertThat(dir.resolve("notes.txt")).hasContent("synthetic faces");
            assertThat(dir.resolve(KeypointModel.PARAMS_FILE)).isRegularFile();
            assertThatThrownBy(
                            () ->
                                    model.save(
                                            tmp.resolve("failed"),
                                            Map.of(),
                                            folder -> {
                                                throw new IOException("disk full");
                                            }))
                    .isInstanceOf(IOException.class)
                    .hasMessage("disk full");
        }
        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(p -> p.getFileName().toString())).containsExactly("with-notes");
        }
    }

    /**
     * Making or loading a model checks the engine's convolutions first (the check's memory of
     * earlier results is set aside, so this holds whatever ran before): with a convolution that is
     * wrong in both layouts, neither gives the user a model.
     */
    @Test
    void noModelIsMadeOrLoadedWhereTheEnginesConvolutionsAreWrong(@TempDir Path tmp)
            throws IOException {
        ModelSpec spec = spec(NoseTipNet.NAME, LandmarkScheme.NOSE_TIP, 80, 60);
        Path dir = tmp.resolve("nose-tip");
        try (KeypointModel model = KeypointModel.create(spec, "PyTorch", Device.cpu())) {
            model.save(dir, Map.of());
        }
        ConvolutionCheck.withConvolution(
                (conv, channelsLast) -> WrongConvolution.of(conv),
                () -> {
                    ModelSpec fresh = spec(NoseTipNet.NAME, LandmarkScheme.NOSE_TIP, 80, 60);
                    assertThatThrownBy(() -> KeypointModel.create(fresh, "PyTorch", Device.cpu()))
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("ONEDNN_MAX_CPU_ISA");
                    assertThatThrownBy(() -> KeypointModel.load(dir, "PyTorch", Device.cpu()))
                            .isInstanceOf(IllegalStateException.class)
                            .hasMessageContaining("ONEDNN_MAX_CPU_ISA");
                });
    }

    private static float[] input(int n) {
        SplittableRandom r = new SplittableRandom(3);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextDouble(-0.5, 0.5);
        }
        return v;
    }

    private static float[] run(KeypointModel model, Shape shape, String engine) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            NDArray x = m.create(input((int) shape.size()), shape);
            return model.forward(x).toFloatArray();
        }
    }

    /** One training-mode step so BatchNorm running statistics move away from 0 and 1. */
    private static void moveRunningStats(KeypointModel model, Shape shape, String engine) {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine);
                GradientCollector gc = Engine.getEngine(engine).newGradientCollector()) {
            NDArray x = m.randomUniform(0, 1, shape);
            model.block().forward(new ParameterStore(m, false), new ai.djl.ndarray.NDList(x), true);
        }
    }

    @ParameterizedTest(name = "{0} saved on {1}, loaded on {2}")
    @MethodSource("cases")
    void savedModelReloadsWithSameOutputs(String architecture, String saveOn, String loadOn)
            throws IOException {
        LandmarkScheme scheme =
                architecture.equals(NoseTipNet.NAME)
                        ? LandmarkScheme.NOSE_TIP
                        : LandmarkScheme.IMM_58;
        // the reference input for the nose tip; the smallest sizes the others comfortably take
        int w =
                architecture.equals(NoseTipNet.NAME)
                        ? 80
                        : architecture.equals(Imm58Net.NAME) ? 64 : 32;
        int h =
                architecture.equals(NoseTipNet.NAME)
                        ? 60
                        : architecture.equals(Imm58Net.NAME) ? 48 : 24;
        if (architecture.equals(LandmarkCnn.NAME)) {
            // five 2x poolings: the default recipe's 64x64
            w = 64;
            h = 64;
        }
        ModelSpec spec = spec(architecture, scheme, w, h);
        Shape shape = new Shape(2, 1, h, w);
        Path dir = tmp.resolve(architecture + "-" + saveOn);
        float[] before;
        try (KeypointModel model = KeypointModel.create(spec, saveOn, Device.cpu())) {
            if (!architecture.equals(NoseTipNet.NAME) && !architecture.equals(Imm58Net.NAME)) {
                moveRunningStats(model, shape, saveOn);
            }
            before = run(model, shape, saveOn);
            model.save(dir, Map.of("epoch", "3"));
        }
        assertThat(dir.resolve(KeypointModel.SPEC_FILE)).isRegularFile();
        assertThat(dir.resolve(KeypointModel.PARAMS_FILE)).isRegularFile();
        try (KeypointModel loaded =
                saveOn.equals(loadOn)
                        ? KeypointModel.load(dir)
                        : KeypointModel.load(dir, loadOn, Device.cpu())) {
            assertThat(loaded.spec().engine()).isEqualTo(saveOn);
            assertThat(loaded.model().getNDManager().getEngine().getEngineName()).isEqualTo(loadOn);
            assertThat(loaded.spec().provenance())
                    .containsEntry("epoch", "3")
                    .containsEntry("seed", "7");
            assertThat(loaded.spec().withProvenance(Map.of())).isNotNull();
            float[] after = run(loaded, shape, loadOn);
            Block block = loaded.block();
            if (loadOn.equals("PyTorch") && ChannelsLast.isUsedBy(block)) {
                // the values read initialise the network, which lays them out as it does any
                // initial values when the layout is on at the build's oneDNN level
                int[] layout = TorchLayout.channelsLastWeights(block);
                assertThat(layout[0])
                        .as(
                                "channels-last weights, layout on: %s",
                                ChannelsLast.isOn(block, "PyTorch"))
                        .isEqualTo(ChannelsLast.isOn(block, "PyTorch") ? layout[1] : 0);
            }
            assertThat(after).hasSize(before.length);
            float tolerance = saveOn.equals(loadOn) ? 0f : 1e-4f;
            for (int i = 0; i < after.length; i++) {
                assertThat(after[i]).as("output " + i).isCloseTo(before[i], within(tolerance));
            }
        }
    }

    @Test
    void specRoundTripsThroughJson() {
        ModelSpec spec = spec(HeatmapNet.NAME, LandmarkScheme.IBUG_68, 64, 64);
        ModelSpec back = ModelSpec.fromJson(spec.toJson());
        assertThat(back).isEqualTo(spec);
        assertThat(back.config()).containsEntry("outputs", 136).containsEntry("beta", 1);
        assertThat(back.landmarkScheme()).isEqualTo(LandmarkScheme.IBUG_68);
        assertThat(back.libraryVersion()).isNotBlank().isNotEqualTo("unknown");
        assertThat(back.newBlock()).isInstanceOf(HeatmapNet.class);
    }

    @Test
    void theSpecHoldsTheDataModulesPreprocessingObjectsAndSavesThemExactly() {
        CropPolicy policy = CropPolicy.faceBox(1.25).keepingAspect();
        PixelNormalization n = PixelNormalization.meanStd(new float[] {0.43f}, new float[] {0.21f});
        ModelSpec spec =
                ModelSpec.builder()
                        .setBlock(NoseTipNet.builder().setOutputs(2).build())
                        .setScheme(LandmarkScheme.NOSE_TIP)
                        .setInputSize(80, 60)
                        .optCrop(policy)
                        .optNormalization(n)
                        .build();
        assertThat(spec.crop()).isSameAs(policy);
        assertThat(spec.preprocessor().crop()).isEqualTo(policy);
        ModelSpec back = ModelSpec.fromJson(spec.toJson());
        assertThat(back.crop()).isEqualTo(policy);
        assertThat(back.normalization()).isEqualTo(n).hasSameHashCodeAs(n);
        assertThat(back.normalization()).isNotEqualTo(PixelNormalization.centered());
        assertThat(back).isEqualTo(spec);
    }

    @Test
    void malformedSpecsNameTheField() {
        String json = spec(ResNet18.NAME, LandmarkScheme.IBUG_68, 64, 64).toJson();
        assertThatThrownBy(() -> ModelSpec.fromJson(json.replace("\"width\"", "\"wide\"")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input.width");
        assertThatThrownBy(() -> ModelSpec.fromJson(json.replace("\"format\": 1", "\"format\": 9")))
                .hasMessageContaining("format 9");
        assertThatThrownBy(() -> ModelSpec.fromJson("[1]")).hasMessageContaining("JSON object");
        assertThatThrownBy(
                        () ->
                                ModelSpec.builder()
                                        .setBlock(ResNet18.builder().setOutputs(116).build())
                                        .setScheme(LandmarkScheme.IBUG_68)
                                        .setInputSize(64, 64)
                                        .build())
                .hasMessageContaining("136 outputs");
        assertThatThrownBy(() -> ModelSpec.builder().build()).hasMessageContaining("setBlock");
        assertThatThrownBy(() -> ModelZoo.create("vgg", 4)).hasMessageContaining("imm58");
    }

    @Test
    void saveReplacesAModelAndRefusesOtherDirectories() throws IOException {
        ModelSpec spec = spec(NoseTipNet.NAME, LandmarkScheme.NOSE_TIP, 80, 60);
        Path dir = tmp.resolve("m");
        try (KeypointModel model = KeypointModel.create(spec, "PyTorch", Device.cpu())) {
            model.save(dir, Map.of("epoch", "1"));
            model.save(dir, Map.of("epoch", "2"));
            assertThat(KeypointModel.readSpec(dir).provenance()).containsEntry("epoch", "2");
            try (Stream<Path> s = Files.list(tmp)) {
                assertThat(s.map(p -> p.getFileName().toString())).containsExactly("m");
            }
            Path other = tmp.resolve("photos");
            Files.createDirectories(other);
            Files.writeString(other.resolve("a.txt"), "x");
            assertThatThrownBy(() -> model.save(other)).hasMessageContaining("Refusing");
        }
    }

    /** Saves a fresh 80×60 nose-tip model (PyTorch) into {@code dir} and returns {@code dir}. */
    private static Path savedNoseTip(Path dir) throws IOException {
        ModelSpec spec = spec(NoseTipNet.NAME, LandmarkScheme.NOSE_TIP, 80, 60);
        try (KeypointModel model = KeypointModel.create(spec, "PyTorch", Device.cpu())) {
            model.save(dir);
        }
        return dir;
    }

    @Test
    void writeSpecReplacesSettingsButRefusesAnotherNetwork() throws IOException {
        Path dir = savedNoseTip(tmp.resolve("m"));
        ModelSpec saved = KeypointModel.readSpec(dir);
        KeypointModel.writeSpec(dir, saved.withFlipOffsetX(0.25));
        assertThat(KeypointModel.readSpec(dir)).isEqualTo(saved.withFlipOffsetX(0.25));
        try (KeypointModel back = KeypointModel.load(dir, "PyTorch", Device.cpu())) {
            assertThat(back.spec().flipOffsetX()).isEqualTo(0.25);
        }
        ModelSpec wider = spec(NoseTipNet.NAME, LandmarkScheme.NOSE_TIP, 96, 60);
        assertThatThrownBy(() -> KeypointModel.writeSpec(dir, wider))
                .hasMessageContaining("changes the network's input");
        assertThat(KeypointModel.readSpec(dir).inputWidth()).isEqualTo(80);
        assertThatThrownBy(() -> KeypointModel.writeSpec(tmp.resolve("none"), saved))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(KeypointModel.SPEC_FILE);
    }

    @Test
    void corruptFilesGiveClearErrors() throws IOException {
        Path dir = savedNoseTip(tmp.resolve("m"));
        assertThatThrownBy(() -> KeypointModel.load(tmp.resolve("none")))
                .hasMessageContaining(KeypointModel.SPEC_FILE);
        // the weights of a half-width net do not fit the spec's architecture
        String json = Files.readString(dir.resolve(KeypointModel.SPEC_FILE));
        Files.writeString(
                dir.resolve(KeypointModel.SPEC_FILE),
                json.replace("\"hidden\": 256", "\"hidden\": 128"),
                StandardCharsets.UTF_8);
        assertThatThrownBy(() -> KeypointModel.load(dir, "PyTorch", Device.cpu()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(KeypointModel.PARAMS_FILE)
                .hasMessageContaining("has shape (")
                .hasMessageContaining("at input 80x60 needs (");
        Files.writeString(dir.resolve(KeypointModel.SPEC_FILE), "{", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> KeypointModel.readSpec(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("model.json");
    }

    @Test
    void blockMustMatchSpec() {
        ModelSpec spec = spec(NoseTipNet.NAME, LandmarkScheme.NOSE_TIP, 80, 60);
        NoseTipNet half = NoseTipNet.builder().setOutputs(2).optChannels(12, 16, 16).build();
        assertThatThrownBy(() -> KeypointModel.create(spec, half, "PyTorch", Device.cpu()))
                .hasMessageContaining("does not match");
    }
}
