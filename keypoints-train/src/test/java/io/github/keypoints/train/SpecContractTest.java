package io.github.keypoints.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.dataset.FaceLandmarkDataset;
import io.github.keypoints.data.preprocess.CropPolicy;
import io.github.keypoints.data.preprocess.PixelNormalization;
import io.github.keypoints.models.LandmarkCnn;
import io.github.keypoints.models.ModelSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The model spec is the one statement of how a photo becomes a tensor: a dataset built from it
 * prepares photos as the spec says, and the trainer refuses data that prepares them otherwise.
 */
class SpecContractTest {

    @TempDir Path dir;

    /** A tiny two-point face-crop model with its own crop and standardisation (shared fixture). */
    static ModelSpec spec() {
        return ModelSpec.builder()
                .setBlock(LandmarkCnn.builder().setOutputs(4).optChannels(4).optHidden(0).build())
                .setScheme(SyntheticLandmarks.SCHEME)
                .setInputSize(12, 10)
                .optCrop(CropPolicy.pointsBox(1.5).keepingAspect())
                .optNormalization(
                        PixelNormalization.meanStd(new float[] {0.4f}, new float[] {0.2f}))
                .build();
    }

    private FaceLandmarkDataset.Builder data(List<FaceSample> faces) {
        return spec().datasetBuilder().setSamples(faces).setSampling(2, false);
    }

    @Test
    void aDatasetBuiltFromTheSpecPreparesPhotosAsTheSpecSays() throws Exception {
        List<FaceSample> faces = LandmarkRecipeDataTest.flatFaces(dir);
        FaceLandmarkDataset d = data(faces).build();
        assertThat(d.inputWidth()).isEqualTo(12);
        assertThat(d.inputHeight()).isEqualTo(10);
        assertThat(d.preprocessor().grayscale()).isTrue();
        assertThat(d.preprocessor().crop()).isEqualTo(CropPolicy.pointsBox(1.5).keepingAspect());
        assertThat(d.scheme()).isSameAs(SyntheticLandmarks.SCHEME);
        spec().checkMatches(d);
        // Inference prepares photos with the same objects.
        assertThat(spec().preprocessor().describe()).isEqualTo(d.preprocessor().describe());
        assertThat(spec().normalization().describe()).isEqualTo(d.normalization().describe());
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            // The first flat photo is gray 40: every input value is (40/255 - 0.4) / 0.2.
            for (float v : d.get(m, 0).getData().head().toFloatArray()) {
                assertThat((double) v).isCloseTo((40 / 255.0 - 0.4) / 0.2, within(1e-5));
            }
        }
    }

    @Test
    void withoutASpecTheRunSavesAModelWhoseSpecIsDerivedFromTheNetworkAndTheData()
            throws Exception {
        List<FaceSample> faces = LandmarkRecipeDataTest.flatFaces(dir);
        try (TrainedModel report =
                KeypointTrainer.builder()
                        .setBlock(spec().newBlock())
                        .setTrainingData(data(faces).build())
                        .setValidationData(data(faces).build())
                        .setEpochs(1)
                        .setBatchSize(2)
                        .optEngine("PyTorch")
                        .optRunDirectory(dir.resolve("run"))
                        .build()
                        .fit()) {
            assertThat(report.directory())
                    .contains(dir.resolve("run").resolve(KeypointTrainer.MODEL_DIRECTORY));
            ModelSpec saved =
                    io.github.keypoints.models.KeypointModel.readSpec(
                            report.directory().orElseThrow());
            assertThat(report.model().spec().crop()).isEqualTo(saved.crop());
            assertThat(saved.architecture()).isEqualTo(spec().architecture());
            assertThat(saved.inputWidth()).isEqualTo(12);
            assertThat(saved.inputHeight()).isEqualTo(10);
            assertThat(saved.inputChannels()).isEqualTo(1);
            assertThat(saved.crop()).isEqualTo(spec().crop());
            assertThat(saved.normalization()).isEqualTo(spec().normalization());
            assertThat(saved.scheme()).isEqualTo(SyntheticLandmarks.SCHEME.name());
            assertThat(ModelSpec.of(spec().newBlock(), data(faces).build()).crop())
                    .isEqualTo(spec().crop());
            // A network whose input channels do not fit the data is refused, naming both.
            assertThatThrownBy(
                            () ->
                                    ModelSpec.of(
                                            spec().newBlock(),
                                            data(faces).optGrayscale(false).build()))
                    .hasMessageContaining("input channels");
        }
    }

    @Test
    void theTrainingDatasSamplingSetsTheBatchSizeAndTheShuffling() throws Exception {
        List<FaceSample> faces = new java.util.ArrayList<>();
        for (int copy = 0; copy < 2; copy++) {
            faces.addAll(
                    LandmarkRecipeDataTest.flatFaces(
                            java.nio.file.Files.createDirectories(dir.resolve("c" + copy))));
        }
        List<Long> batches = new java.util.ArrayList<>();
        EpochListener count =
                new EpochListener() {
                    @Override
                    public void onBatchEnd(long batch, long total, double loss) {
                        batches.add(total);
                    }
                };
        // No setBatchSize: 6 faces sampled 4 at a time make 2 batches an epoch.
        KeypointTrainer.builder()
                .setBlock(spec().newBlock())
                .setTrainingData(
                        spec().datasetBuilder().setSamples(faces).setSampling(4, true).build())
                .setValidationData(data(faces).build())
                .setEpochs(1)
                .optEngine("PyTorch")
                .addEpochListener(count)
                .build()
                .fit();
        assertThat(batches).containsExactly(2L, 2L);
        // Without shuffling every epoch visits the samples in their order: with the second
        // image missing, exactly one batch of one trains before the run stops, whatever the seed.
        java.nio.file.Files.delete(faces.get(1).image());
        java.util.Set<Integer> beforeFailure = new java.util.TreeSet<>();
        for (boolean shuffle : new boolean[] {false, true}) {
            java.util.Set<Integer> counts = new java.util.TreeSet<>();
            for (long seed = 1; seed <= 6; seed++) {
                int[] done = {0};
                KeypointTrainer run =
                        KeypointTrainer.builder()
                                .setBlock(spec().newBlock())
                                .setTrainingData(
                                        spec().datasetBuilder()
                                                .setSamples(faces)
                                                .setSampling(1, shuffle)
                                                .build())
                                .setValidationData(data(faces.subList(0, 1)).build())
                                .setEpochs(1)
                                .optEngine("PyTorch")
                                .optPrefetch(false)
                                .optSeed(seed)
                                .addEpochListener(
                                        new EpochListener() {
                                            @Override
                                            public void onBatchEnd(
                                                    long batch, long total, double loss) {
                                                done[0]++;
                                            }
                                        })
                                .build();
                assertThatThrownBy(run::fit).isInstanceOf(java.io.IOException.class);
                counts.add(done[0]);
            }
            if (!shuffle) {
                assertThat(counts).containsExactly(1);
            } else {
                beforeFailure.addAll(counts);
            }
        }
        // Shuffled, the seed decides when the missing image comes up.
        assertThat(beforeFailure.size()).isGreaterThan(1);
        assertThatThrownBy(
                        () ->
                                KeypointTrainer.builder()
                                        .setBlock(spec().newBlock())
                                        .setTrainingData(data(faces).build())
                                        .setValidationData(data(faces).build())
                                        .setEpochs(1)
                                        .setBatchSize(3)
                                        .optEngine("PyTorch")
                                        .build())
                .hasMessageContaining("batch size 3")
                .hasMessageContaining("batch size 2");
    }

    @Test
    void buildingDoesNotChangeTheBuilderSoItCanBeReusedWithOtherData() throws Exception {
        List<FaceSample> faces = LandmarkRecipeDataTest.flatFaces(dir);
        KeypointTrainer.Builder b =
                KeypointTrainer.builder()
                        .setBlock(spec().newBlock())
                        .setValidationData(data(faces).build())
                        .setEpochs(1)
                        .optEngine("PyTorch");
        b.setTrainingData(data(faces).build()).build(); // sampling of 2
        // Another dataset sampled 3 at a time: the first build's batch size must not stick.
        assertThat(
                        b.setTrainingData(
                                        spec().datasetBuilder()
                                                .setSamples(faces)
                                                .setSampling(3, false)
                                                .build())
                                .build())
                .isNotNull();
    }

    @Test
    void theTrainerRefusesDataThatPreparesPhotosOtherwiseNamingBothValues() throws Exception {
        List<FaceSample> faces = LandmarkRecipeDataTest.flatFaces(dir);
        List<Object[]> cases =
                List.of(
                        new Object[] {
                            (UnaryOperator<FaceLandmarkDataset.Builder>)
                                    b -> b.setInputSize(16, 10),
                            "input size: spec 12x10, data 16x10"
                        },
                        new Object[] {
                            (UnaryOperator<FaceLandmarkDataset.Builder>) b -> b.optGrayscale(false),
                            "input channels: spec 1, data 3"
                        },
                        new Object[] {
                            (UnaryOperator<FaceLandmarkDataset.Builder>)
                                    b -> b.optCrop(CropPolicy.pointsBox(1.2).keepingAspect()),
                            "crop: spec "
                        },
                        new Object[] {
                            (UnaryOperator<FaceLandmarkDataset.Builder>)
                                    b -> b.optNormalization(PixelNormalization.centered()),
                            "normalisation: spec "
                        });
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked")
            UnaryOperator<FaceLandmarkDataset.Builder> change =
                    (UnaryOperator<FaceLandmarkDataset.Builder>) c[0];
            FaceLandmarkDataset wrong = change.apply(data(faces)).build();
            assertThatThrownBy(
                            () ->
                                    KeypointTrainer.builder()
                                            .setBlock(spec().newBlock())
                                            .setTrainingData(wrong)
                                            .setValidationData(data(faces).build())
                                            .setEpochs(1)
                                            .setBatchSize(2)
                                            .optEngine("PyTorch")
                                            .optModelSpec(spec())
                                            .build())
                    .as(c[1].toString())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("disagree on the " + c[1]);
            assertThatThrownBy(
                            () ->
                                    KeypointTrainer.builder()
                                            .setBlock(spec().newBlock())
                                            .setTrainingData(data(faces).build())
                                            .setValidationData(wrong)
                                            .setEpochs(1)
                                            .setBatchSize(2)
                                            .optEngine("PyTorch")
                                            .optModelSpec(spec())
                                            .build())
                    .hasMessageContaining("disagree on the " + c[1]);
        }
        KeypointTrainer ok =
                KeypointTrainer.builder()
                        .setBlock(spec().newBlock())
                        .setTrainingData(data(faces).build())
                        .setValidationData(data(faces).build())
                        .setEpochs(1)
                        .setBatchSize(2)
                        .optEngine("PyTorch")
                        .optModelSpec(spec())
                        .build();
        assertThat(ok).isNotNull();
        // Another scheme of the same size is still another scheme.
        LandmarkScheme other =
                LandmarkScheme.builder()
                        .setName("two-other")
                        .setPointNames(List.of("p", "q"))
                        .build();
        ModelSpec otherSpec =
                ModelSpec.builder()
                        .setBlock(spec().newBlock())
                        .setScheme(other)
                        .setInputSize(12, 10)
                        .optCrop(spec().crop())
                        .optNormalization(spec().normalization())
                        .build();
        assertThatThrownBy(() -> otherSpec.checkMatches(data(faces).build()))
                .hasMessageContaining("disagree on the scheme: spec two-other, data two-blobs");
    }
}
