package io.github.keypoints.models.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.inference.Predictor;
import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.ImageFactory;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.TranslateException;
import io.github.keypoints.data.Box;
import io.github.keypoints.data.detect.FaceFinder;
import io.github.keypoints.data.image.BufferedImages;
import io.github.keypoints.data.preprocess.CropPolicy;
import io.github.keypoints.models.KeypointModel;
import io.github.keypoints.models.SavedModelBlockFactory;
import java.awt.image.BufferedImage;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opencv.core.Mat;

/**
 * A saved model directory loads through DJL's {@code Criteria} with the public translator, and
 * predicts what {@link KeypointDetector} predicts: every face of every image, in batches too.
 */
class FaceLandmarkTranslatorTest {

    private static final CropPolicy FACE_CROP = new CropPolicy(CropPolicy.Kind.FACE_BOX, 1.2, true);
    private static final Box BIG = new Box(20, 30, 90, 100);
    private static final Box SMALL = new Box(120, 20, 50, 60);

    /** No face in images narrower than 100 px, one up to 150 px, two beyond. */
    private static final FaceFinder BY_WIDTH =
            image ->
                    image.cols() < 100
                            ? List.of()
                            : image.cols() < 150
                                    ? List.of(new Box(10, 10, 70, 80))
                                    : List.of(BIG, SMALL);

    @TempDir Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void aSavedDirectoryLoadsThroughCriteriaAndAgreesWithTheDetector(String engine)
            throws Exception {
        Path dir = TinyModels.save(tmp.resolve("m"), engine, FACE_CROP);
        Path file = TinyModels.png(TinyModels.photo(200, 160, 3), tmp.resolve("p.png"));
        BufferedImage awt = ImageIO.read(file.toFile());
        // No block factory or engine named: serving.properties supplies them.
        Criteria<Image, FaceLandmarks> criteria =
                Criteria.builder()
                        .setTypes(Image.class, FaceLandmarks.class)
                        .optModelPath(dir)
                        .optTranslatorFactory(new FaceLandmarkTranslatorFactory())
                        .optArgument("faceFinder", BY_WIDTH)
                        .build();
        try (ZooModel<Image, FaceLandmarks> model = criteria.loadModel();
                Predictor<Image, FaceLandmarks> predictor = model.newPredictor();
                KeypointDetector detector =
                        KeypointDetector.builder().setModel(dir).optFaceFinder(BY_WIDTH).build()) {
            assertThat(model.getNDManager().getEngine().getEngineName()).isEqualTo(engine);
            FaceLandmarks faces = predictor.predict(ImageFactory.getInstance().fromImage(awt));
            assertThat(faces.imageWidth()).isEqualTo(200);
            assertThat(faces.imageHeight()).isEqualTo(160);
            assertThat(faces.faces()).extracting(Detection::box).containsExactly(BIG, SMALL);
            Mat m = BufferedImages.toMat(awt);
            try {
                List<Detection> expected = detector.detectAll(m);
                for (int i = 0; i < 2; i++) {
                    assertThat(
                                    faces.faces()
                                            .get(i)
                                            .keypoints()
                                            .maxDistance(expected.get(i).keypoints()))
                            .isLessThan(1e-3);
                }
            } finally {
                m.release();
            }
        }
    }

    @Test
    void batchPredictReturnsEveryFaceOfEveryImageAsSinglePredictionsDo() throws Exception {
        Path dir = TinyModels.save(tmp.resolve("m"), "PyTorch", FACE_CROP);
        List<Image> images =
                List.of(image(200, 160, 1), image(60, 50, 2), image(120, 100, 3), image(90, 90, 4));
        try (ZooModel<Image, FaceLandmarks> model = criteria(dir, Image.class).loadModel();
                Predictor<Image, FaceLandmarks> predictor = model.newPredictor()) {
            List<FaceLandmarks> batch = predictor.batchPredict(images);
            assertThat(batch).extracting(f -> f.faces().size()).containsExactly(2, 0, 1, 0);
            assertThat(batch)
                    .extracting(FaceLandmarks::imageWidth)
                    .containsExactly(200, 60, 120, 90);
            assertThat(batch.get(1).first()).isEmpty();
            for (int i = 0; i < images.size(); i++) {
                FaceLandmarks one = predictor.predict(images.get(i));
                assertThat(one.faces()).hasSameSizeAs(batch.get(i).faces());
                for (int f = 0; f < one.faces().size(); f++) {
                    assertThat(one.faces().get(f).box())
                            .isEqualTo(batch.get(i).faces().get(f).box());
                    assertThat(
                                    one.faces()
                                            .get(f)
                                            .keypoints()
                                            .maxDistance(batch.get(i).faces().get(f).keypoints()))
                            .isLessThan(1e-3);
                }
            }
            // A batch in which no image has a face still answers, with no faces.
            assertThat(predictor.batchPredict(List.of(images.get(1), images.get(3))))
                    .allMatch(FaceLandmarks::isEmpty);
        }
    }

    @Test
    void argumentsSetFlipAveragingAndRefinementAsTheDetectorsOptionsDo() throws Exception {
        Path dir = TinyModels.save(tmp.resolve("m"), "PyTorch", FACE_CROP);
        Path file = TinyModels.png(TinyModels.photo(200, 160, 5), tmp.resolve("p.png"));
        Criteria<Path, FaceLandmarks> criteria =
                Criteria.builder()
                        .setTypes(Path.class, FaceLandmarks.class)
                        .optModelPath(dir)
                        .optEngine("PyTorch")
                        .optTranslatorFactory(new FaceLandmarkTranslatorFactory())
                        .optArgument("faceFinder", BY_WIDTH)
                        .optArgument("flipAverage", "true")
                        .optArgument("refinement", "2")
                        .build();
        try (ZooModel<Path, FaceLandmarks> model = criteria.loadModel();
                Predictor<Path, FaceLandmarks> predictor = model.newPredictor();
                KeypointDetector same =
                        KeypointDetector.builder()
                                .setModel(dir)
                                .optFaceFinder(BY_WIDTH)
                                .optFlipAverage(true)
                                .optRefinement(2)
                                .build();
                KeypointDetector plain =
                        KeypointDetector.builder().setModel(dir).optFaceFinder(BY_WIDTH).build()) {
            List<Detection> got = predictor.predict(file).faces();
            List<Detection> want = same.detectAll(file);
            List<Detection> other = plain.detectAll(file);
            assertThat(got).hasSize(2);
            for (int i = 0; i < 2; i++) {
                assertThat(got.get(i).keypoints().maxDistance(want.get(i).keypoints()))
                        .isLessThan(1e-3);
                // The options matter: without them the points differ.
                assertThat(got.get(i).keypoints().maxDistance(other.get(i).keypoints()))
                        .isGreaterThan(1e-3);
            }
        }
    }

    @Test
    void anUnreadableFileIsNamed() throws Exception {
        Path dir = TinyModels.save(tmp.resolve("m"), "PyTorch", FACE_CROP);
        Path missing = tmp.resolve("no-such-photo.jpg");
        try (ZooModel<Path, FaceLandmarks> model = criteria(dir, Path.class).loadModel();
                Predictor<Path, FaceLandmarks> predictor = model.newPredictor()) {
            assertThatThrownBy(() -> predictor.predict(missing))
                    .isInstanceOf(TranslateException.class)
                    .hasStackTraceContaining("no-such-photo.jpg");
        }
    }

    @Test
    void aDirectoryWithoutServingPropertiesLoadsWhenTheFactoriesAreNamed() throws Exception {
        Path dir = TinyModels.save(tmp.resolve("m"), "MXNet", FACE_CROP);
        Properties serving = new Properties();
        try (Reader r = Files.newBufferedReader(dir.resolve(KeypointModel.SERVING_FILE))) {
            serving.load(r);
        }
        assertThat(serving.getProperty("engine")).isEqualTo("MXNet");
        assertThat(serving.getProperty("blockFactory"))
                .isEqualTo(SavedModelBlockFactory.class.getName());
        assertThat(serving.getProperty("option.hasParameter")).isEqualTo("false");
        Files.delete(dir.resolve(KeypointModel.SERVING_FILE));

        Path file = TinyModels.png(TinyModels.photo(120, 100, 6), tmp.resolve("p.png"));
        Criteria<Path, FaceLandmarks> criteria =
                Criteria.builder()
                        .setTypes(Path.class, FaceLandmarks.class)
                        .optModelPath(dir)
                        .optEngine("PyTorch")
                        .optArgument("blockFactory", SavedModelBlockFactory.class.getName())
                        .optOption("hasParameter", "false")
                        .optTranslatorFactory(new FaceLandmarkTranslatorFactory())
                        .optArgument("faceFinder", BY_WIDTH)
                        .build();
        try (ZooModel<Path, FaceLandmarks> model = criteria.loadModel();
                Predictor<Path, FaceLandmarks> predictor = model.newPredictor();
                KeypointDetector detector =
                        KeypointDetector.builder()
                                .setModel(dir)
                                .optEngine("PyTorch")
                                .optFaceFinder(BY_WIDTH)
                                .build()) {
            Detection got = predictor.predict(file).first().orElseThrow();
            Detection want = detector.detect(file, Optional.empty());
            assertThat(got.box()).isEqualTo(want.box());
            assertThat(got.keypoints().maxDistance(want.keypoints())).isLessThan(1e-3);
        }
    }

    @Test
    void wholeImageModelsGiveOneFaceTheSizeOfTheImage() throws Exception {
        Path dir =
                TinyModels.save(
                        tmp.resolve("m"),
                        "PyTorch",
                        new CropPolicy(CropPolicy.Kind.WHOLE_IMAGE, 1.0, true));
        FaceFinder refusing =
                image -> {
                    throw new AssertionError("a whole-image model asked the finder");
                };
        try (ZooModel<Image, FaceLandmarks> model =
                        Criteria.builder()
                                .setTypes(Image.class, FaceLandmarks.class)
                                .optModelPath(dir)
                                .optTranslatorFactory(new FaceLandmarkTranslatorFactory())
                                .optArgument("faceFinder", refusing)
                                .build()
                                .loadModel();
                Predictor<Image, FaceLandmarks> predictor = model.newPredictor()) {
            FaceLandmarks f = predictor.predict(image(64, 48, 7));
            assertThat(f.faces()).extracting(Detection::box).containsExactly(new Box(0, 0, 64, 48));
        }
    }

    @Test
    void theFactoryRefusesOtherTypesAndConflictingArguments() throws Exception {
        Path dir = TinyModels.save(tmp.resolve("m"), "PyTorch", FACE_CROP);
        FaceLandmarkTranslatorFactory factory = new FaceLandmarkTranslatorFactory();
        assertThat(factory.isSupported(Image.class, FaceLandmarks.class)).isTrue();
        assertThat(factory.isSupported(String.class, FaceLandmarks.class)).isFalse();
        try (KeypointModel m = KeypointModel.load(dir)) {
            assertThatThrownBy(
                            () ->
                                    factory.newInstance(
                                            String.class,
                                            FaceLandmarks.class,
                                            m.model(),
                                            java.util.Map.of()))
                    .hasMessageContaining("(Image, FaceLandmarks)");
            assertThatThrownBy(
                            () ->
                                    FaceLandmarkTranslatorFactory.translator(
                                            dir,
                                            java.util.Map.of(
                                                    "faceFinder", BY_WIDTH, "cascade", "x.xml")))
                    .hasMessageContaining("not both");
            assertThatThrownBy(
                            () ->
                                    FaceLandmarkTranslatorFactory.translator(
                                            dir, java.util.Map.of("faceFinder", "cascade.xml")))
                    .hasMessageContaining("must be a");
            assertThatThrownBy(
                            () ->
                                    FaceLandmarkTranslator.builder(m.spec())
                                            .optRefinement(-1)
                                            .build())
                    .hasMessageContaining("refinement");
        }
        assertThatThrownBy(() -> new FaceLandmarks(0, 10, List.of())).hasMessageContaining("0x10");
    }

    private static <I> Criteria<I, FaceLandmarks> criteria(Path dir, Class<I> input) {
        return Criteria.builder()
                .setTypes(input, FaceLandmarks.class)
                .optModelPath(dir)
                .optEngine("PyTorch")
                .optTranslatorFactory(new FaceLandmarkTranslatorFactory())
                .optArgument("faceFinder", BY_WIDTH)
                .build();
    }

    private static Image image(int width, int height, long seed) {
        Mat m = TinyModels.photo(width, height, seed);
        try {
            return ImageFactory.getInstance().fromImage(toAwt(m));
        } finally {
            m.release();
        }
    }

    private static BufferedImage toAwt(Mat bgr) {
        BufferedImage out = new BufferedImage(bgr.cols(), bgr.rows(), BufferedImage.TYPE_INT_RGB);
        byte[] px = new byte[bgr.cols() * bgr.rows() * 3];
        bgr.get(0, 0, px);
        for (int i = 0; i < bgr.cols() * bgr.rows(); i++) {
            int rgb =
                    (px[3 * i + 2] & 0xff) << 16 | (px[3 * i + 1] & 0xff) << 8 | (px[3 * i] & 0xff);
            out.setRGB(i % bgr.cols(), i / bgr.cols(), rgb);
        }
        return out;
    }
}
