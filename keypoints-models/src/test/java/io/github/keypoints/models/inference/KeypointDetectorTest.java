package io.github.keypoints.models.inference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.dataset.Record;
import io.github.keypoints.data.Affine;
import io.github.keypoints.data.Box;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.dataset.FaceLandmarkDataset;
import io.github.keypoints.data.detect.FaceFinder;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.preprocess.CropPolicy;
import io.github.keypoints.data.preprocess.PixelNormalization;
import io.github.keypoints.models.KeypointModel;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.core.Rect;

class KeypointDetectorTest {

    private static final CropPolicy FACE_CROP = new CropPolicy(CropPolicy.Kind.FACE_BOX, 1.2, true);

    @TempDir Path tmp;

    /**
     * The detector's points equal the network's output on the training dataset's own tensor for the
     * same photo and box, mapped back with the dataset's own inverse affine: train and inference
     * cannot disagree.
     */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void predictsWhatTheNetworkSaysOnTheTrainingTensorInOriginalPixels(String engine)
            throws Exception {
        Path dir = TinyModels.save(tmp.resolve("model-" + engine), engine, FACE_CROP);
        Mat photo = TinyModels.photo(200, 150, 1);
        Path file = TinyModels.png(photo, tmp.resolve("photo.png"));
        photo.release();
        Box box = new Box(60, 40, 70, 80);
        FaceSample sample =
                new FaceSample(
                        "p",
                        file,
                        Keypoints.of(LandmarkScheme.IMM_58, new float[116]),
                        Optional.of(box));
        FaceLandmarkDataset dataset =
                FaceLandmarkDataset.builder()
                        .setSamples(List.of(sample))
                        .setInputSize(TinyModels.INPUT_W, TinyModels.INPUT_H)
                        .optCrop(CropPolicy.faceBox(1.2).keepingAspect())
                        .optNormalization(
                                PixelNormalization.meanStd(new float[] {0.5f}, new float[] {0.25f}))
                        .setSampling(1, false)
                        .build();
        Keypoints expected;
        try (KeypointModel model = KeypointModel.load(dir, engine, Device.cpu());
                NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            Record r = dataset.get(m, 0);
            NDArray x = r.getData().singletonOrThrow().expandDims(0);
            float[] rel = model.forward(x).toFloatArray();
            expected =
                    Keypoints.fromRelative(
                                    LandmarkScheme.IMM_58,
                                    rel,
                                    TinyModels.INPUT_W,
                                    TinyModels.INPUT_H)
                            .transform(dataset.toOriginal(0));
        }
        try (KeypointDetector detector =
                KeypointDetector.builder().setModel(dir).optEngine(engine).build()) {
            Detection d = detector.detect(file, Optional.of(box));
            assertThat(d.box()).isEqualTo(box);
            assertThat(d.keypoints().maxDistance(expected)).isLessThan(1e-3);
            // The points are in original pixels: around the face region, not the 32x24 input.
            Box region = box.scaleAboutCenter(1.2).expandToAspect(4.0 / 3).scaleAboutCenter(3);
            for (int i = 0; i < d.keypoints().size(); i++) {
                assertThat(region.contains(d.keypoints().x(i), d.keypoints().y(i))).isTrue();
            }
        }
    }

    /** Moving photo and box by whole pixels moves the prediction by exactly as much. */
    @Test
    void predictionsFollowTheBoxInOriginalPixels() throws Exception {
        Path dir = TinyModels.save(tmp.resolve("m"), "PyTorch", FACE_CROP);
        Mat photo = TinyModels.photo(240, 200, 2);
        Mat shifted = photo.submat(new Rect(17, 9, 200, 180));
        try (KeypointDetector detector = KeypointDetector.builder().setModel(dir).build()) {
            Box inShifted = new Box(50, 40, 80, 90);
            Box inPhoto = new Box(67, 49, 80, 90);
            Keypoints a = detector.predict(shifted, inShifted);
            Keypoints b = detector.predict(photo, inPhoto);
            assertThat(b.maxDistance(a.transform(Affine.translation(17, 9)))).isLessThan(1e-3);
            assertThat(b.maxDistance(a)).isGreaterThan(5);
        } finally {
            shifted.release();
            photo.release();
        }
    }

    @Test
    void pathBufferedImageAndMatInputsAgree() throws Exception {
        Path dir = TinyModels.save(tmp.resolve("m"), "PyTorch", FACE_CROP);
        Mat photo = TinyModels.photo(160, 120, 3);
        Path file = TinyModels.png(photo, tmp.resolve("p.png"));
        BufferedImage awt = new BufferedImage(160, 120, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = new byte[160 * 120 * 3];
        photo.get(0, 0, bgr);
        // TYPE_3BYTE_BGR stores exactly OpenCV's BGR byte layout.
        byte[] store = ((java.awt.image.DataBufferByte) awt.getRaster().getDataBuffer()).getData();
        System.arraycopy(bgr, 0, store, 0, bgr.length);
        Box box = new Box(40, 20, 70, 70);
        try (KeypointDetector detector = KeypointDetector.builder().setModel(dir).build()) {
            Keypoints fromMat = detector.predict(photo, box);
            Keypoints fromAwt = detector.detect(awt, Optional.of(box)).keypoints();
            Keypoints fromFile = detector.detect(file, Optional.of(box)).keypoints();
            assertThat(fromAwt.maxDistance(fromMat)).isLessThan(1e-4);
            // The file is decoded straight to gray as in training; cvtColor may round differently.
            assertThat(fromFile.maxDistance(fromMat)).isLessThan(0.5);
        } finally {
            photo.release();
        }
    }

    /**
     * With flip averaging the detector is mirror-equivariant: the mirrored photo with the mirrored
     * box gives the mirror of the prediction (points mapped through the scheme's permutation).
     */
    @Test
    void flipAveragedPredictionsOfAMirroredPhotoAreMirrored() throws Exception {
        Path dir = TinyModels.save(tmp.resolve("m"), "PyTorch", FACE_CROP);
        Mat photo = TinyModels.photo(180, 140, 4);
        Mat mirrored = new Mat();
        Core.flip(photo, mirrored, 1);
        int w = photo.cols();
        Box box = new Box(50, 30, 70, 80);
        // In pixel-centre coordinates column u mirrors to w - 1 - u.
        Box mirroredBox = new Box(w - 1 - box.right(), box.y(), box.width(), box.height());
        try (KeypointDetector plain = KeypointDetector.builder().setModel(dir).build();
                KeypointDetector averaged =
                        KeypointDetector.builder().setModel(dir).optFlipAverage(true).build()) {
            Keypoints a = averaged.predict(photo, box);
            Keypoints b = averaged.predict(mirrored, mirroredBox);
            assertThat(b.flipHorizontally(w).maxDistance(a)).isLessThan(1e-3);
            // Without averaging a random network is not mirror-equivariant, so the test can fail.
            Keypoints p = plain.predict(photo, box);
            Keypoints q = plain.predict(mirrored, mirroredBox);
            assertThat(q.flipHorizontally(w).maxDistance(p)).isGreaterThan(0.01);
            // And the average lies between the plain prediction and the mirrored one.
            Keypoints back = q.flipHorizontally(w);
            for (int i = 0; i < a.size(); i++) {
                assertThat((double) a.x(i)).isCloseTo((p.x(i) + back.x(i)) / 2.0, within(1e-3));
            }
        } finally {
            photo.release();
            mirrored.release();
        }
    }

    @Test
    void batchEqualsOneByOneAndChunksAreInvisible() throws Exception {
        Path dir = TinyModels.save(tmp.resolve("m"), "PyTorch", FACE_CROP);
        List<Mat> photos = new ArrayList<>();
        List<Optional<Box>> boxes = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            photos.add(TinyModels.photo(120 + 10 * i, 100, 10 + i));
            boxes.add(Optional.of(new Box(10 + i, 20, 60, 50 + i)));
        }
        try (KeypointDetector detector =
                KeypointDetector.builder().setModel(dir).optBatchSize(3).build()) {
            List<Detection> batch = detector.detectBatch(photos, boxes);
            assertThat(batch).hasSize(7);
            for (int i = 0; i < 7; i++) {
                Detection one = detector.detect(photos.get(i), boxes.get(i));
                assertThat(batch.get(i).keypoints().maxDistance(one.keypoints())).isLessThan(1e-3);
                assertThat(batch.get(i).box()).isEqualTo(boxes.get(i).get());
            }
            assertThatThrownBy(() -> detector.detectBatch(photos, boxes.subList(0, 2)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("7 images but 2");
        } finally {
            photos.forEach(Mat::release);
        }
    }

    @Test
    void wholeImageModelsUseTheWholeImageByDefault() throws Exception {
        Path dir = TinyModels.save(tmp.resolve("m"), "PyTorch", CropPolicy.wholeImage());
        Mat photo = TinyModels.photo(128, 96, 5);
        try (KeypointDetector detector = KeypointDetector.builder().setModel(dir).build()) {
            assertThat(detector.usesWholeImage()).isTrue();
            Detection d = detector.detect(photo, Optional.empty());
            assertThat(d.box()).isEqualTo(new Box(0, 0, 128, 96));
            // The whole image given as a box is the same region.
            Keypoints same = detector.predict(photo, new Box(0, 0, 128, 96));
            assertThat(same.maxDistance(d.keypoints())).isLessThan(1e-4);
            // A smaller box is a different region.
            Keypoints other = detector.predict(photo, new Box(10, 10, 64, 48));
            assertThat(other.maxDistance(d.keypoints())).isGreaterThan(1);
            // Every face of a whole-image model is the one whole image, from a Mat or a file.
            List<Detection> all = detector.detectAll(photo);
            assertThat(all).hasSize(1);
            assertThat(all.get(0).box()).isEqualTo(d.box());
            assertThat(all.get(0).keypoints().maxDistance(d.keypoints())).isLessThan(1e-4);
            List<Detection> fromFile =
                    detector.detectAll(TinyModels.png(photo, tmp.resolve("whole.png")));
            assertThat(fromFile).hasSize(1);
            // Decoded straight to gray, as in training; cvtColor may round differently.
            assertThat(fromFile.get(0).keypoints().maxDistance(d.keypoints())).isLessThan(0.5);
            assertThat(detector.flipAveraging()).isFalse();
            assertThat(detector.spec().crop()).isEqualTo(CropPolicy.wholeImage());
        } finally {
            photo.release();
        }
    }

    @Test
    void faceModelsCanBeToldToUseTheWholeImage() throws Exception {
        Path dir = TinyModels.save(tmp.resolve("m"), "PyTorch", FACE_CROP);
        Mat photo = TinyModels.photo(100, 100, 6);
        try (KeypointDetector detector =
                KeypointDetector.builder().setModel(dir).optWholeImage(true).build()) {
            Detection d = detector.detect(photo, Optional.empty());
            assertThat(d.box()).isEqualTo(new Box(0, 0, 100, 100));
        } finally {
            photo.release();
        }
    }

    @Test
    void aMissingCascadeIsAClearErrorAtBuildTime() throws Exception {
        Path dir = TinyModels.save(tmp.resolve("m"), "PyTorch", FACE_CROP);
        Path missing = tmp.resolve("no-such-cascade.xml");
        assertThatThrownBy(
                        () -> KeypointDetector.builder().setModel(dir).optCascade(missing).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(missing.toString());
    }

    @Test
    void noFaceFoundNamesTheFile() throws Exception {
        Path dir = TinyModels.save(tmp.resolve("m"), "PyTorch", FACE_CROP);
        Mat photo = TinyModels.photo(100, 100, 7);
        Path file = TinyModels.png(photo, tmp.resolve("noise.png"));
        photo.release();
        try (KeypointDetector detector = KeypointDetector.builder().setModel(dir).build()) {
            assertThatThrownBy(() -> detector.detect(file, Optional.empty()))
                    .isInstanceOf(FaceNotFoundException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("no face found");
        }
    }

    @Test
    void givenBoxesNeverAskTheFaceFinder() throws Exception {
        Path dir = TinyModels.save(tmp.resolve("m"), "PyTorch", FACE_CROP);
        Mat photo = TinyModels.photo(120, 100, 9);
        FaceFinder refusing =
                image -> {
                    throw new AssertionError("the face finder was asked although a box was given");
                };
        try (KeypointDetector detector =
                KeypointDetector.builder().setModel(dir).optFaceFinder(refusing).build()) {
            Box box = new Box(10, 12, 70, 80);
            Detection d = detector.detect(photo, Optional.of(box));
            assertThat(d.box()).isEqualTo(box);
            assertThat(
                            detector.detectBatch(
                                    List.of(photo, photo),
                                    List.of(Optional.of(box), Optional.of(box))))
                    .hasSize(2);
        } finally {
            photo.release();
        }
    }

    @Test
    void detectAllLandmarksEveryFoundFaceInTheFindersOrderAndRefinesEach() throws Exception {
        Path dir = TinyModels.save(tmp.resolve("m"), "PyTorch", FACE_CROP);
        Mat photo = TinyModels.photo(200, 160, 10);
        Box big = new Box(20, 30, 90, 100);
        Box small = new Box(120, 20, 50, 60);
        FaceFinder two = image -> List.of(big, small);
        try (KeypointDetector once =
                        KeypointDetector.builder()
                                .setModel(dir)
                                .optFaceFinder(two)
                                .optRefinement(0)
                                .build();
                KeypointDetector refined =
                        KeypointDetector.builder().setModel(dir).optFaceFinder(two).build()) {
            List<Detection> plain = once.detectAll(photo);
            assertThat(plain).extracting(Detection::box).containsExactly(big, small);
            // A batch of two may round differently from single predictions: compare in pixels.
            assertThat(plain.get(0).keypoints().maxDistance(once.predict(photo, big)))
                    .isLessThan(1e-3);
            assertThat(plain.get(1).keypoints().maxDistance(once.predict(photo, small)))
                    .isLessThan(1e-3);

            List<Detection> again = refined.detectAll(photo);
            assertThat(again).extracting(Detection::box).containsExactly(big, small);
            for (int i = 0; i < 2; i++) {
                Box tight = plain.get(i).keypoints().boundingBox();
                assertThat(again.get(i).keypoints().maxDistance(once.predict(photo, tight)))
                        .isLessThan(1e-3);
            }
            // detect() without a box takes the largest found face, refined the same way.
            assertThat(
                            refined.detect(photo, Optional.empty())
                                    .keypoints()
                                    .maxDistance(again.get(0).keypoints()))
                    .isLessThan(1e-3);
        } finally {
            photo.release();
        }
        try (KeypointDetector none =
                KeypointDetector.builder()
                        .setModel(dir)
                        .optFaceFinder(image -> List.of())
                        .build()) {
            Mat blank = TinyModels.photo(50, 50, 11);
            try {
                assertThat(none.detectAll(blank)).isEmpty();
            } finally {
                blank.release();
            }
        }
        assertThatThrownBy(() -> KeypointDetector.builder().setModel(dir).optRefinement(-1).build())
                .hasMessageContaining("refinement");
    }

    @Test
    void aMissingModelDirectoryNamesTheFile() {
        Path missing = tmp.resolve("nothing-here");
        assertThatThrownBy(() -> KeypointDetector.builder().setModel(missing).build())
                .isInstanceOf(java.io.IOException.class)
                .hasMessageContaining(missing.toString());
        assertThatThrownBy(() -> KeypointDetector.builder().build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setModel");
    }

    /** N threads predicting at once get exactly the sequential results, on both engines. */
    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void concurrentPredictionsEqualSequentialOnes(String engine) throws Exception {
        Path dir = TinyModels.save(tmp.resolve("m-" + engine), engine, FACE_CROP);
        int photos = 12;
        List<Mat> images = new ArrayList<>();
        List<Box> boxes = new ArrayList<>();
        for (int i = 0; i < photos; i++) {
            images.add(TinyModels.photo(150, 120, 100 + i));
            boxes.add(new Box(20 + 3 * i, 15 + i, 70, 75));
        }
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try (KeypointDetector detector =
                KeypointDetector.builder()
                        .setModel(dir)
                        .optEngine(engine)
                        .optFlipAverage(true)
                        .build()) {
            List<Keypoints> sequential = new ArrayList<>();
            for (int i = 0; i < photos; i++) {
                sequential.add(detector.predict(images.get(i), boxes.get(i)));
            }
            List<Future<Keypoints>> futures = new ArrayList<>();
            for (int round = 0; round < 5; round++) {
                for (int i = 0; i < photos; i++) {
                    int k = i;
                    futures.add(pool.submit(() -> detector.predict(images.get(k), boxes.get(k))));
                }
            }
            for (int j = 0; j < futures.size(); j++) {
                assertThat(futures.get(j).get()).isEqualTo(sequential.get(j % photos));
            }
        } finally {
            pool.shutdownNow();
            images.forEach(Mat::release);
        }
    }

    /**
     * Under MXNet's synchronous engine (one completion flag per process) every detector takes turns
     * with every other; otherwise a detector only with itself. libmxnet reads the variable when it
     * loads, so the test checks the rule and that detectors follow it for this JVM's environment.
     */
    @Test
    void detectorsTakeTurnsProcessWideOnlyUnderMxnetsSynchronousEngine() throws Exception {
        assertThat(KeypointDetector.sharesOneLock("MXNet", "NaiveEngine")).isTrue();
        assertThat(KeypointDetector.sharesOneLock("MXNet", " NaiveEngine ")).isTrue();
        assertThat(KeypointDetector.sharesOneLock("MXNet", null)).isFalse();
        assertThat(KeypointDetector.sharesOneLock("MXNet", "ThreadedEnginePerDevice")).isFalse();
        assertThat(KeypointDetector.sharesOneLock("MXNet", "ThreadedEngine")).isFalse();
        assertThat(KeypointDetector.sharesOneLock("PyTorch", "NaiveEngine")).isFalse();
        boolean expected =
                KeypointDetector.sharesOneLock("MXNet", System.getenv("MXNET_ENGINE_TYPE"));
        for (String engine : List.of("MXNet", "PyTorch")) {
            Path dir = TinyModels.save(tmp.resolve("turns-" + engine), engine, FACE_CROP);
            try (KeypointDetector detector =
                    KeypointDetector.builder().setModel(dir).optEngine(engine).build()) {
                assertThat(detector.takesTurnsProcessWide())
                        .as(
                                engine
                                        + " with MXNET_ENGINE_TYPE="
                                        + System.getenv("MXNET_ENGINE_TYPE"))
                        .isEqualTo("MXNet".equals(engine) && expected);
            }
        }
    }

    @Test
    void theOverloadsWithoutOptionalMeanWhatTheirOptionalFormsMean() throws Exception {
        Path dir = TinyModels.save(tmp.resolve("m"), "PyTorch", FACE_CROP);
        Mat photo = TinyModels.photo(160, 120, 21);
        Path file = TinyModels.png(photo, tmp.resolve("o.png"));
        Box box = new Box(30, 20, 80, 90);
        Box found = new Box(50, 10, 60, 70);
        try (KeypointDetector d =
                KeypointDetector.builder()
                        .setModel(dir)
                        .optFaceFinder(image -> List.of(found))
                        .build()) {
            assertThat(d.detect(file, box)).isEqualTo(d.detect(file, Optional.of(box)));
            assertThat(d.detect(file).box()).isEqualTo(found);
            assertThat(d.detect(file)).isEqualTo(d.detect(file, Optional.empty()));
            assertThat(d.detect(photo)).isEqualTo(d.detect(photo, Optional.empty()));
            assertThat(d.detect(photo).box()).isEqualTo(found);
        } finally {
            photo.release();
        }
    }

    /**
     * A model given loaded predicts what the same model loaded from its directory predicts, and
     * closing the detector leaves it to its owner, still usable.
     */
    @Test
    void aLoadedModelDetectsLikeItsDirectoryAndStaysOpen() throws Exception {
        Path dir = TinyModels.save(tmp.resolve("m"), "PyTorch", FACE_CROP);
        Mat photo = TinyModels.photo(240, 200, 2);
        Box box = new Box(50, 40, 80, 90);
        try (KeypointModel model = KeypointModel.load(dir)) {
            Keypoints fromLoaded;
            try (KeypointDetector detector = KeypointDetector.builder().setModel(model).build()) {
                fromLoaded = detector.predict(photo, box);
                assertThat(detector.model()).isSameAs(model);
            }
            try (KeypointDetector detector = KeypointDetector.builder().setModel(dir).build()) {
                assertThat(detector.predict(photo, box).maxDistance(fromLoaded)).isZero();
            }
            // Still open after the detector closed: a second detector on it works.
            try (KeypointDetector again = KeypointDetector.builder().setModel(model).build()) {
                assertThat(again.predict(photo, box).maxDistance(fromLoaded)).isZero();
            }
            assertThatThrownBy(
                            () ->
                                    KeypointDetector.builder()
                                            .setModel(model)
                                            .optEngine("MXNet")
                                            .build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("already loaded on PyTorch");
        } finally {
            photo.release();
        }
    }

    /** An inference model asks for no gradient, as DJL loads TorchScript models (frozen). */
    @Test
    void inferenceModelsAreFrozen() throws Exception {
        Path dir = TinyModels.save(tmp.resolve("m"), "PyTorch", FACE_CROP);
        try (KeypointDetector detector =
                KeypointDetector.builder().setModel(dir).optEngine("PyTorch").build()) {
            assertThat(detector.model().block().getParameters().values())
                    .isNotEmpty()
                    .noneMatch(ai.djl.nn.Parameter::requiresGradient);
        }
    }

    @Test
    void readsThePhotoInTheModelsChannels() throws Exception {
        Path dir = TinyModels.save(tmp.resolve("m"), "PyTorch", FACE_CROP);
        Mat photo = TinyModels.photo(90, 90, 8);
        Path file = TinyModels.png(photo, tmp.resolve("c.png"));
        photo.release();
        Mat gray = ImageFiles.read(file, true);
        try (KeypointDetector detector = KeypointDetector.builder().setModel(dir).build()) {
            Box box = new Box(10, 10, 60, 60);
            assertThat(detector.detect(file, Optional.of(box)).keypoints())
                    .isEqualTo(detector.predict(gray, box));
        } finally {
            gray.release();
        }
    }

    private static org.assertj.core.data.Offset<Double> within(double d) {
        return org.assertj.core.data.Offset.offset(d);
    }
}
