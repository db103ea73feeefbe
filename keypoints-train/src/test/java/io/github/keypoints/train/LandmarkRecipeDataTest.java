package io.github.keypoints.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Record;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.dataset.FaceLandmarkDataset;
import io.github.keypoints.data.dataset.ImageCache;
import io.github.keypoints.data.preprocess.PixelNormalization;
import io.github.keypoints.models.KeypointBlock;
import io.github.keypoints.models.ModelSpec;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The recipe's limits at their edges, its description of each choice, and the datasets and spec it
 * builds, checked on flat gray photos whose input statistics are known without the library.
 */
class LandmarkRecipeDataTest {

    private static final int[] GRAY = {40, 120, 200};

    /** One accepted value at the edge of a limit and one just past it. */
    record Edge(
            String name,
            UnaryOperator<LandmarkRecipe.Builder> ok,
            UnaryOperator<LandmarkRecipe.Builder> bad,
            String message) {
        @Override
        public String toString() {
            return name;
        }
    }

    static List<Edge> edges() {
        return List.of(
                new Edge("inputSize", b -> b.optInputSize(8), b -> b.optInputSize(7), "got 7"),
                new Edge("margin", b -> b.optMargin(1), b -> b.optMargin(0.999), "margin"),
                new Edge(
                        "margin finite",
                        b -> b.optMargin(1e9),
                        b -> b.optMargin(Double.POSITIVE_INFINITY),
                        "margin"),
                new Edge("context", b -> b.optContext(0), b -> b.optContext(-1e-9), "context"),
                new Edge(
                        "context finite",
                        b -> b.optContext(5),
                        b -> b.optContext(Double.POSITIVE_INFINITY),
                        "context"),
                new Edge(
                        "rotation low",
                        b -> b.optRotation(0),
                        b -> b.optRotation(-0.5),
                        "rotation"),
                new Edge(
                        "rotation high",
                        b -> b.optRotation(180),
                        b -> b.optRotation(180.5),
                        "rotation"),
                new Edge(
                        "scale equal", b -> b.optScale(0.5, 0.5), b -> b.optScale(0, 0.5), "scale"),
                new Edge(
                        "scale finite",
                        b -> b.optScale(0.5, 3),
                        b -> b.optScale(0.5, Double.POSITIVE_INFINITY),
                        "scale"),
                new Edge("shift", b -> b.optShift(0), b -> b.optShift(-0.01), "shift"),
                new Edge("shift below one", b -> b.optShift(0.99), b -> b.optShift(1), "shift"),
                new Edge("jitter low", b -> b.optJitter(0), b -> b.optJitter(-0.1), "jitter"),
                new Edge("jitter high", b -> b.optJitter(1), b -> b.optJitter(1.01), "jitter"),
                new Edge("wing width", b -> b.optWing(1e-3f, 1f), b -> b.optWing(0f, 1f), "wing"),
                new Edge(
                        "wing curvature",
                        b -> b.optWing(1f, 1e-3f),
                        b -> b.optWing(1f, 0f),
                        "wing"),
                new Edge(
                        "learning rate",
                        b -> b.optLearningRate(1e-3f, 1e-3f),
                        b -> b.optLearningRate(1e-3f, 0f),
                        "learning rates"),
                new Edge(
                        "start rate",
                        b -> b.optLearningRate(1e-6f, 1e-6f),
                        b -> b.optLearningRate(0f, 0f),
                        "learning rates"),
                new Edge("epochs", b -> b.optEpochs(1), b -> b.optEpochs(0), "got 0"),
                new Edge("batch", b -> b.optBatchSize(1), b -> b.optBatchSize(0), "got 0"));
    }

    @ParameterizedTest
    @MethodSource("edges")
    void limitsAcceptTheirEdgeAndRefuseJustPastIt(Edge edge) {
        assertThat(edge.ok().apply(LandmarkRecipe.ibug68().toBuilder()).build()).isNotNull();
        assertThatThrownBy(() -> edge.bad().apply(LandmarkRecipe.ibug68().toBuilder()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(edge.message());
    }

    @Test
    void theDescriptionNamesEachChoice() {
        LandmarkRecipe r = LandmarkRecipe.ibug68();
        assertThat(r.toString())
                .contains("flip on", "wing(w=", "cosine to 1e-05", "standardised input");
        LandmarkRecipe other =
                r.toBuilder()
                        .optFlip(false)
                        .optLoss(LandmarkRecipe.LossKind.MSE)
                        .optLearningRate(1e-3f, 1e-3f)
                        .optStandardize(false)
                        .build();
        assertThat(other.toString())
                .contains("flip off", "loss mse", "Adam 1e-03 fixed", "centred input")
                .doesNotContain("wing", "cosine");
        assertThat(other.standardizes()).isFalse();
        assertThat(r.standardizes()).isTrue();
        assertThat(other.finalLearningRate()).isEqualTo(1e-3f);
        assertThat(other.toBuilder().optBatchSize(3).build().batchSize()).isEqualTo(3);
        assertThat(other.toBuilder().optInputSize(24).build().inputWidth()).isEqualTo(24);
        assertThat(other.toBuilder().optContext(0.5).build().context()).isEqualTo(0.5);
        assertThat(other.architecture()).isEqualTo(r.architecture()).isNotBlank();
    }

    @Test
    void shiftIsAFractionOfTheInputSide() {
        // A shift of 0.5 of a 16-pixel input moves by up to 8 pixels: never further.
        LandmarkRecipe r =
                LandmarkRecipe.ibug68().toBuilder()
                        .optInputSize(16)
                        .optRotation(0)
                        .optScale(1, 1)
                        .optFlip(false)
                        .optJitter(0)
                        .optShift(0.5)
                        .build();
        assertThat(r.augmentation().toString()).contains("shift(±8.0px)");
    }

    static List<FaceSample> flatFaces(Path dir) throws Exception {
        List<FaceSample> faces = new ArrayList<>();
        for (int i = 0; i < GRAY.length; i++) {
            BufferedImage img = new BufferedImage(40, 40, BufferedImage.TYPE_BYTE_GRAY);
            for (int y = 0; y < 40; y++) {
                for (int x = 0; x < 40; x++) {
                    img.getRaster().setSample(x, y, 0, GRAY[i]);
                }
            }
            Path file = dir.resolve("flat" + i + ".png");
            ImageIO.write(img, "png", file.toFile());
            Keypoints points =
                    Keypoints.of(SyntheticLandmarks.SCHEME, new float[] {15, 18, 25, 22});
            faces.add(new FaceSample("flat" + i, file, points, Optional.empty()));
        }
        return faces;
    }

    /** The 68-point recipe at 8×8 with every geometric augmentation switched off. */
    private static LandmarkRecipe.Builder unaugmented() {
        return LandmarkRecipe.ibug68().toBuilder()
                .optInputSize(8)
                .optRotation(0)
                .optScale(1, 1)
                .optShift(0)
                .optFlip(false)
                .optJitter(0);
    }

    @Test
    void theRecipesTrainerRunsTheRecipesBudgetWithItsBatchesAndSchedule(@TempDir Path dir)
            throws Exception {
        List<FaceSample> faces = flatFaces(dir);
        LandmarkRecipe recipe = unaugmented().optEpochs(2).optBatchSize(3).build();
        PixelNormalization norm = recipe.normalization(faces, ImageCache.none());
        List<Integer> batchesPerEpoch = new ArrayList<>();
        try (TrainedModel report =
                recipe.trainer(
                                recipe.newBlock(SyntheticLandmarks.SCHEME, 1),
                                recipe.trainingSet(faces, ImageCache.none(), norm, 1),
                                recipe.evaluationSet(faces, ImageCache.none(), norm))
                        .optEngine("PyTorch")
                        .addEpochListener(
                                new EpochListener() {
                                    @Override
                                    public void onBatchEnd(long batch, long batches, double loss) {
                                        if (batch == batches) {
                                            batchesPerEpoch.add((int) batches);
                                        }
                                    }
                                })
                        .build()
                        .fit()) {
            // 2 epochs of one batch of the 3 faces, at the cosine schedule's rates.
            assertThat(report.history()).hasSize(2);
            assertThat(report.provenance().recipe()).contains(recipe);
            assertThat(batchesPerEpoch).containsExactly(1, 1);
            assertThat(report.history().get(0).learningRate())
                    .isCloseTo((double) recipe.schedule().rate(0, 1, 2), within(1e-9));
            assertThat(report.history().get(1).learningRate())
                    .isCloseTo((double) recipe.schedule().rate(1, 1, 2), within(1e-9))
                    .isLessThan(report.history().get(0).learningRate());
        }
    }

    @Test
    void standardisationUsesTheTrainingFacesStatisticsAndTheSetsApplyIt(@TempDir Path dir)
            throws Exception {
        List<FaceSample> faces = flatFaces(dir);
        LandmarkRecipe recipe = unaugmented().optBatchSize(2).build();
        double mean = 0;
        for (int g : GRAY) {
            mean += g / 255.0 / GRAY.length;
        }
        double var = 0;
        for (int g : GRAY) {
            var += Math.pow(g / 255.0 - mean, 2) / GRAY.length;
        }
        PixelNormalization n = recipe.normalization(faces, ImageCache.none());
        assertThat((double) n.mean()[0]).isCloseTo(mean, within(1e-7));
        assertThat((double) n.std()[0]).isCloseTo(Math.sqrt(var), within(1e-6));
        assertThat(
                        recipe.toBuilder()
                                .optStandardize(false)
                                .build()
                                .normalization(faces, ImageCache.none()))
                .isEqualTo(PixelNormalization.centered());

        FaceLandmarkDataset eval = recipe.evaluationSet(faces, ImageCache.none(), n);
        FaceLandmarkDataset train = recipe.trainingSet(faces, ImageCache.none(), n, 3);
        assertThat(eval.size()).isEqualTo(3);
        assertThat(eval.inputWidth()).isEqualTo(8);
        assertThat(train.size()).isEqualTo(3);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            for (int i = 0; i < GRAY.length; i++) {
                double expected = (GRAY[i] / 255.0 - mean) / Math.sqrt(var);
                for (FaceLandmarkDataset set : List.of(eval, train)) {
                    Record rec = set.get(manager, i);
                    float[] px = rec.getData().head().toFloatArray();
                    assertThat(px).hasSize(64);
                    for (float v : px) {
                        assertThat((double) v).isCloseTo(expected, within(1e-4));
                    }
                }
            }
        }
        assertThatThrownBy(() -> recipe.evaluationSet(List.of(), ImageCache.none(), n))
                .hasMessageContaining("no faces");
    }

    @Test
    void theModelSpecCarriesTheRecipesInputCropNormalisationAndDescription() {
        LandmarkRecipe recipe = LandmarkRecipe.ibug68().toBuilder().optInputSize(16).build();
        KeypointBlock block = recipe.newBlock(SyntheticLandmarks.SCHEME, 1);
        PixelNormalization n = PixelNormalization.meanStd(new float[] {0.4f}, new float[] {0.2f});
        ModelSpec spec =
                recipe.modelSpec(block, SyntheticLandmarks.SCHEME, n, "MXNet", Map.of("seed", "1"));
        assertThat(spec.inputWidth()).isEqualTo(16);
        assertThat(spec.inputHeight()).isEqualTo(16);
        assertThat(spec.normalization()).isEqualTo(n);
        assertThat(spec.crop()).isEqualTo(recipe.crop());
        assertThat(spec.engine()).isEqualTo("MXNet");
        assertThat(spec.provenance())
                .containsEntry("seed", "1")
                .containsEntry("recipe", recipe.toString());
        assertThat(spec.outputs()).isEqualTo(4);
    }
}
