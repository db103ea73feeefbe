package io.github.keypoints.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Record;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.augment.Augmentation;
import io.github.keypoints.data.augment.AugmentationPipeline;
import io.github.keypoints.data.augment.Center;
import io.github.keypoints.data.dataset.FaceLandmarkDataset;
import io.github.keypoints.data.dataset.PreparedBatch;
import io.github.keypoints.models.ModelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Preparing the next batch on a background thread changes when a batch is read, never what it
 * holds: prepared arrays equal the dataset's own tensors, and a run trains to the same losses with
 * prefetching on and off.
 */
class BatchPrefetchTest {

    @TempDir Path dir;

    private static ModelSpec spec() {
        return SpecContractTest.spec();
    }

    private FaceLandmarkDataset augmented(List<FaceSample> faces) {
        return spec().datasetBuilder()
                .setSamples(faces)
                .setSampling(2, true)
                .optAugmentation(
                        AugmentationPipeline.builder()
                                .setAugmentation(
                                        Augmentation.sequence(
                                                Augmentation.rotation(20, Center.IMAGE),
                                                Augmentation.shift(2),
                                                Augmentation.colorJitter(0.3, 0.3)))
                                .build())
                .optSeed(5)
                .build();
    }

    @Test
    void aPreparedBatchHoldsWhatGetGivesForTheCurrentEpoch() throws Exception {
        FaceLandmarkDataset d = augmented(LandmarkRecipeDataTest.flatFaces(dir));
        d.setEpoch(3);
        List<Long> idx = List.of(2L, 0L, 1L);
        PreparedBatch p = d.prepareBatch(idx);
        assertThat(p.size()).isEqualTo(3);
        assertThat(p.channels()).isEqualTo(1);
        assertThat(p.labelWidth()).isEqualTo(4);
        int per = 12 * 10;
        try (NDManager m = NDManager.newBaseManager("PyTorch")) {
            for (int i = 0; i < 3; i++) {
                Record r = d.get(m, idx.get(i));
                float[] x = r.getData().singletonOrThrow().toFloatArray();
                float[] y = r.getLabels().singletonOrThrow().toFloatArray();
                float[] px = new float[per];
                System.arraycopy(p.inputs(), i * per, px, 0, per);
                float[] py = new float[4];
                System.arraycopy(p.labels(), i * 4, py, 0, 4);
                assertThat(px).containsExactly(x);
                assertThat(py).containsExactly(y);
            }
            assertThat(p.inputArray(m).getShape().toString()).isEqualTo("(3, 1, 10, 12)");
            assertThat(p.labelArray(m).getShape().toString()).isEqualTo("(3, 4)");
        }
        // Another epoch draws other augmentations.
        d.setEpoch(4);
        assertThat(d.prepareBatch(idx).inputs()).isNotEqualTo(p.inputs());
        assertThatThrownBy(() -> new PreparedBatch(2, 1, 2, 2, new float[7], new float[4], 2))
                .hasMessageContaining("do not hold 2 samples");
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void trainingWithAndWithoutPrefetchingGivesTheSameLosses(String engine) throws Exception {
        List<FaceSample> faces = copies(3, "c");
        // The validation set is augmented too, so a validation that read the next epoch's draws
        // (the next epoch's first batch is prepared while this one validates) would show in its
        // loss.
        assertSameLossesWithAndWithoutPrefetching(
                engine, () -> new FaceLandmarkDataset[] {augmented(faces), augmented(faces)});
    }

    @Test
    void oneDatasetForTrainingAndValidationValidatesTheEpochItTrained() throws Exception {
        List<FaceSample> faces = copies(2, "s");
        assertSameLossesWithAndWithoutPrefetching(
                "PyTorch",
                () -> {
                    FaceLandmarkDataset both = augmented(faces);
                    return new FaceLandmarkDataset[] {both, both};
                });
    }

    private List<FaceSample> copies(int n, String prefix) throws Exception {
        List<FaceSample> faces = new ArrayList<>();
        for (int copy = 0; copy < n; copy++) {
            faces.addAll(
                    LandmarkRecipeDataTest.flatFaces(
                            Files.createDirectory(dir.resolve(prefix + copy))));
        }
        return faces;
    }

    /**
     * Trains three epochs with prefetching on and off, each on fresh datasets from {@code
     * trainAndValidation}, and requires equal training and validation losses.
     */
    private static void assertSameLossesWithAndWithoutPrefetching(
            String engine, Supplier<FaceLandmarkDataset[]> trainAndValidation) throws Exception {
        List<List<Double>> losses = new ArrayList<>();
        for (boolean prefetch : new boolean[] {true, false}) {
            FaceLandmarkDataset[] data = trainAndValidation.get();
            try (TrainedModel report =
                    KeypointTrainer.builder()
                            .setBlock(spec().newBlock())
                            .setTrainingData(data[0])
                            .setValidationData(data[1])
                            .setEpochs(3)
                            .setBatchSize(2)
                            .optEngine(engine)
                            .optSeed(7)
                            .optPrefetch(prefetch)
                            .build()
                            .fit()) {
                losses.add(report.history().stream().map(EpochRecord::trainLoss).toList());
                losses.add(report.history().stream().map(EpochRecord::valLoss).toList());
            }
        }
        assertThat(losses.get(0)).hasSize(3);
        assertThat(losses.get(0)).as("training losses").isEqualTo(losses.get(2));
        assertThat(losses.get(1)).as("validation losses").isEqualTo(losses.get(3));
    }

    @Test
    void aRunStoppedEarlyLeavesTheDatasetAtTheLastEpochItTrained() throws Exception {
        FaceLandmarkDataset train = augmented(LandmarkRecipeDataTest.flatFaces(dir));
        KeypointTrainingListener stopAfterFirst =
                new KeypointTrainingListener() {
                    private TrainingRun run;

                    @Override
                    public void onRunStart(TrainingRun r) {
                        run = r;
                    }

                    @Override
                    public void onEpoch(ai.djl.training.Trainer trainer) {
                        run.stop("test: one epoch is enough");
                    }
                };
        try (TrainedModel report =
                KeypointTrainer.builder()
                        .setBlock(spec().newBlock())
                        .setTrainingData(train)
                        .setValidationData(augmented(LandmarkRecipeDataTest.flatFaces(dir)))
                        .setEpochs(3)
                        .setBatchSize(2)
                        .optEngine("PyTorch")
                        .optJobs(stopAfterFirst)
                        .build()
                        .fit()) {
            assertThat(report.history()).hasSize(1);
        }
        // The next epoch's first batch was begun during validation; the stop undoes its epoch.
        assertThat(train.epoch()).isZero();
    }

    @Test
    void aMissingImageIsNamedThroughThePrefetchThread() throws Exception {
        List<FaceSample> faces = LandmarkRecipeDataTest.flatFaces(dir);
        Files.delete(faces.get(1).image());
        KeypointTrainer trainer =
                KeypointTrainer.builder()
                        .setBlock(spec().newBlock())
                        .setTrainingData(augmented(faces))
                        .setValidationData(augmented(faces.subList(0, 1)))
                        .setEpochs(1)
                        .optEngine("PyTorch")
                        .build();
        assertThatThrownBy(trainer::fit)
                .isInstanceOf(IOException.class)
                .hasMessageContaining(faces.get(1).image().getFileName().toString());
    }
}
