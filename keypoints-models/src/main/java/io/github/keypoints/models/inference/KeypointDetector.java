package io.github.keypoints.models.inference;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import io.github.keypoints.data.Affine;
import io.github.keypoints.data.Box;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.detect.CascadeFaceFinder;
import io.github.keypoints.data.detect.FaceFinder;
import io.github.keypoints.data.image.BufferedImages;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.image.OpenCv;
import io.github.keypoints.data.preprocess.CropPolicy;
import io.github.keypoints.data.preprocess.PixelNormalization;
import io.github.keypoints.data.preprocess.Preprocessor;
import io.github.keypoints.models.KeypointModel;
import io.github.keypoints.models.ModelSpec;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.opencv.core.Core;
import org.opencv.core.Mat;
import org.opencv.imgproc.Imgproc;

/**
 * Landmarks faces in photos with a saved keypoint model: the inference API.
 *
 * <p>A detector loads a model directory ({@link KeypointModel#load}); the model's {@link ModelSpec}
 * supplies the scheme, input size, channels, pixel normalisation and crop policy, so nothing else
 * is needed. Each face goes through the same {@link Preprocessor} the training dataset uses (crop
 * and resize in one affine, {@code INTER_AREA} when shrinking), the network predicts input-relative
 * coordinates, and the inverse affine returns them to the original image's pixels.
 *
 * <p>The face region: a face box the caller gives; otherwise, for models trained on face crops, the
 * largest face the {@link FaceFinder} finds ({@link #detectAll} landmarks every face); for models
 * trained on whole images (such as IMM) and with {@link Builder#optWholeImage(boolean)}, the whole
 * image. The default finder is a {@link CascadeFaceFinder} with the cascade bundled in
 * keypoints-data, made on first use: a detector that is always given boxes never builds one. A
 * found box is only an estimate of the box the model was trained on, so by default the detector
 * predicts once more on the tight box of its first prediction ({@link Builder#optRefinement(int)}).
 * Test-time flip averaging ({@link Builder#optFlipAverage(boolean)}) also predicts the mirrored
 * input, mirrors those points back through the scheme's flip permutation and averages.
 *
 * <p>Thread-safe: every call runs in its own DJL {@link Predictor}, whose native memory DJL frees
 * when the call ends, so memory stays flat over any number of calls. On PyTorch calls run
 * concurrently; on other engines (MXNet's engine is not thread-safe for inference) the forward
 * passes take turns while preprocessing still runs in parallel.
 *
 * <pre>{@code
 * try (KeypointDetector detector = KeypointDetector.builder()
 *         .setModel(Path.of("runs/300w/best"))
 *         .optFlipAverage(true)
 *         .build()) {
 *     Detection d = detector.detect(Path.of("photo.jpg"), Optional.empty());
 *     Keypoints inPhotoPixels = d.keypoints();
 * }
 * }</pre>
 */
public final class KeypointDetector implements AutoCloseable {

    private final KeypointModel model;
    private final ModelSpec spec;
    private final LandmarkScheme scheme;
    private final Preprocessor preprocessor;
    private final PixelNormalization normalization;
    private final KeypointTranslator translator;
    private final FaceFinder givenFinder;
    private volatile FaceFinder finder;
    private final boolean wholeImage;
    private final int refinement;
    private final boolean flipAverage;
    private final int batchSize;
    private final ReentrantLock forwardLock;

    private KeypointDetector(Builder b, KeypointModel model, FaceFinder finder) {
        this.model = model;
        this.spec = model.spec();
        this.scheme = spec.landmarkScheme();
        this.preprocessor = spec.preprocessor();
        this.normalization = spec.normalization().toPixelNormalization();
        this.translator =
                new KeypointTranslator(spec.inputChannels(), spec.inputHeight(), spec.inputWidth());
        this.givenFinder = finder;
        this.finder = finder;
        this.refinement = b.refinement;
        this.wholeImage = b.wholeImage != null ? b.wholeImage : trainedOnWholeImages(spec);
        this.flipAverage = b.flipAverage;
        this.batchSize = b.batchSize;
        String engine = model.model().getNDManager().getEngine().getEngineName();
        this.forwardLock = "PyTorch".equals(engine) ? null : new ReentrantLock();
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns the spec of the loaded model.
     *
     * @return the spec
     */
    public ModelSpec spec() {
        return spec;
    }

    /**
     * Returns the preprocessing this detector applies, built from the model's spec.
     *
     * @return the preprocessor
     */
    public Preprocessor preprocessor() {
        return preprocessor;
    }

    /**
     * Tells whether faces without a given box use the whole image (rather than the face finder).
     *
     * @return whether the whole image is the default region
     */
    public boolean usesWholeImage() {
        return wholeImage;
    }

    /**
     * Tells whether predictions average the image and its mirror.
     *
     * @return whether flip averaging is on
     */
    public boolean flipAveraging() {
        return flipAverage;
    }

    /**
     * Reads a photo and landmarks its face.
     *
     * @param image the image file
     * @param face the face box in the photo's pixels, or empty to find it (or use the whole image)
     * @return the detection in the photo's pixels
     * @throws java.io.UncheckedIOException naming the file if it cannot be read
     * @throws IllegalArgumentException naming the file if it is not a decodable image
     * @throws FaceNotFoundException naming the file if a face was needed and none was found
     */
    public Detection detect(Path image, Optional<Box> face) {
        Mat m = ImageFiles.read(image, preprocessor.grayscale());
        try {
            return detect(m, face);
        } catch (FaceNotFoundException e) {
            throw new FaceNotFoundException(image + ": " + e.getMessage());
        } finally {
            m.release();
        }
    }

    /**
     * Landmarks the face of an AWT image.
     *
     * @param image the image
     * @param face the face box in the image's pixels, or empty to find it (or use the whole image)
     * @return the detection in the image's pixels
     * @throws FaceNotFoundException if a face was needed and none was found
     */
    public Detection detect(BufferedImage image, Optional<Box> face) {
        Mat m = BufferedImages.toMat(image);
        try {
            return detect(m, face);
        } finally {
            m.release();
        }
    }

    /**
     * Landmarks the face of an OpenCV image.
     *
     * @param image an 8-bit gray, BGR or BGRA image; not modified or released
     * @param face the face box in the image's pixels, or empty to find it (or use the whole image)
     * @return the detection in the image's pixels
     * @throws FaceNotFoundException if a face was needed and none was found
     */
    public Detection detect(Mat image, Optional<Box> face) {
        return detectBatch(List.of(image), List.of(face)).get(0);
    }

    /**
     * Reads a photo and landmarks every face in it.
     *
     * @param image the image file
     * @return one detection per face, largest first (one, the whole image, for whole-image models);
     *     empty if no face was found
     * @throws java.io.UncheckedIOException naming the file if it cannot be read
     * @throws IllegalArgumentException naming the file if it is not a decodable image
     */
    public List<Detection> detectAll(Path image) {
        Mat m = ImageFiles.read(image, preprocessor.grayscale());
        try {
            return detectAll(m);
        } finally {
            m.release();
        }
    }

    /**
     * Landmarks every face in an OpenCV image: the face finder's boxes, largest first, each
     * landmarked (in batches) and refined as {@link #detect(Mat, Optional)} does.
     *
     * @param image an 8-bit gray, BGR or BGRA image; not modified or released
     * @return one detection per face, largest first (one, the whole image, for whole-image models);
     *     empty if no face was found
     */
    public List<Detection> detectAll(Mat image) {
        if (wholeImage) {
            return List.of(detect(image, Optional.empty()));
        }
        List<Box> found = finder().find(image);
        List<Detection> out = new ArrayList<>(found.size());
        for (int start = 0; start < found.size(); start += batchSize) {
            List<Box> chunk = found.subList(start, Math.min(found.size(), start + batchSize));
            out.addAll(refine(Collections.nCopies(chunk.size(), image), chunk));
        }
        return out;
    }

    /**
     * Predicts the keypoints of the face in a given box; as a method reference it is the {@code
     * LandmarkPredictor} of the automatic morph.
     *
     * @param image an 8-bit gray, BGR or BGRA image; not modified or released
     * @param face the face box in the image's pixels
     * @return the keypoints in the image's pixels
     */
    public Keypoints predict(Mat image, Box face) {
        return detect(image, Optional.of(face)).keypoints();
    }

    /**
     * Landmarks many faces, running the network on batches of up to {@link
     * Builder#optBatchSize(int)} inputs.
     *
     * @param images 8-bit gray, BGR or BGRA images; not modified or released
     * @param faces one entry per image: its face box, or empty to find it (or use the whole image)
     * @return one detection per image, in order
     * @throws IllegalArgumentException if the lists differ in length
     * @throws FaceNotFoundException naming the image's index if a face was needed and none was
     *     found
     */
    public List<Detection> detectBatch(List<Mat> images, List<Optional<Box>> faces) {
        if (images.size() != faces.size()) {
            throw new IllegalArgumentException(
                    images.size() + " images but " + faces.size() + " face entries");
        }
        List<Detection> out = new ArrayList<>(images.size());
        for (int start = 0; start < images.size(); start += batchSize) {
            int end = Math.min(images.size(), start + batchSize);
            out.addAll(detectChunk(images.subList(start, end), faces.subList(start, end), start));
        }
        return out;
    }

    private List<Detection> detectChunk(List<Mat> images, List<Optional<Box>> faces, int offset) {
        int n = images.size();
        List<Box> boxes = new ArrayList<>(n);
        List<Integer> found = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boxes.add(faceBox(images.get(i), faces.get(i), offset + i, n > 1 || offset > 0));
            if (faces.get(i).isEmpty() && !wholeImage) {
                found.add(i);
            }
        }
        List<Detection> result = predict(images, boxes, faces);
        if (found.isEmpty() || refinement == 0) {
            return result;
        }
        List<Mat> again = new ArrayList<>(found.size());
        List<Box> first = new ArrayList<>(found.size());
        for (int i : found) {
            again.add(images.get(i));
            first.add(boxes.get(i));
        }
        List<Detection> refined = refine(again, first);
        for (int j = 0; j < found.size(); j++) {
            result.set(found.get(j), refined.get(j));
        }
        return result;
    }

    /**
     * Landmarks faces in found boxes, then predicts {@code refinement} more times on the tight box
     * of the last prediction: a finder's box is only an estimate of the box the model was trained
     * on, and the model's own points estimate it better. The detection keeps the found box.
     */
    private List<Detection> refine(List<Mat> images, List<Box> found) {
        List<Optional<Box>> given = Collections.nCopies(images.size(), Optional.<Box>empty());
        List<Detection> d = predict(images, found, given);
        for (int pass = 0; pass < refinement; pass++) {
            List<Box> tight = new ArrayList<>(d.size());
            for (Detection x : d) {
                tight.add(x.keypoints().boundingBox());
            }
            d = predict(images, tight, given);
        }
        List<Detection> out = new ArrayList<>(d.size());
        for (int i = 0; i < d.size(); i++) {
            out.add(new Detection(found.get(i), d.get(i).keypoints()));
        }
        return out;
    }

    /** One forward pass over faces whose boxes are known. */
    private List<Detection> predict(List<Mat> images, List<Box> boxes, List<Optional<Box>> faces) {
        int n = images.size();
        List<Affine> toInput = new ArrayList<>(n);
        List<float[]> inputs = new ArrayList<>(flipAverage ? 2 * n : n);
        for (int i = 0; i < n; i++) {
            Mat original = images.get(i);
            Box box = boxes.get(i);
            Box region = region(box, faces.get(i).isPresent(), original);
            Affine t = preprocessor.toInput(region);
            toInput.add(t);
            Mat converted = toModelChannels(original);
            Mat input = preprocessor.warp(converted, t);
            try {
                inputs.add(normalization.toChw(input));
                if (flipAverage) {
                    Core.flip(input, input, 1);
                    inputs.add(normalization.toChw(input));
                }
            } finally {
                input.release();
                if (converted != original) {
                    converted.release();
                }
            }
        }
        List<float[]> outputs = forward(inputs);
        List<Detection> result = new ArrayList<>(n);
        int step = flipAverage ? 2 : 1;
        for (int i = 0; i < n; i++) {
            Keypoints inInput =
                    Keypoints.fromRelative(
                            scheme, outputs.get(step * i), spec.inputWidth(), spec.inputHeight());
            if (flipAverage) {
                Keypoints mirrored =
                        Keypoints.fromRelative(
                                        scheme,
                                        outputs.get(step * i + 1),
                                        spec.inputWidth(),
                                        spec.inputHeight())
                                .flipHorizontally(spec.inputWidth());
                inInput = average(inInput, mirrored);
            }
            result.add(new Detection(boxes.get(i), inInput.transform(toInput.get(i).inverse())));
        }
        return result;
    }

    private Box faceBox(Mat image, Optional<Box> given, int index, boolean batch) {
        if (given.isPresent()) {
            return given.get();
        }
        if (wholeImage) {
            return new Box(0, 0, image.cols(), image.rows());
        }
        return finder().findLargest(image)
                .orElseThrow(
                        () ->
                                new FaceNotFoundException(
                                        (batch ? "image " + index + ": " : "")
                                                + "no face found by "
                                                + finder
                                                + " in a "
                                                + image.cols()
                                                + "x"
                                                + image.rows()
                                                + " image; give a face box or use the whole"
                                                + " image"));
    }

    /** The finder given to the builder, else the bundled cascade, loaded on first use. */
    private FaceFinder finder() {
        FaceFinder f = finder;
        if (f == null) {
            synchronized (this) {
                f = finder;
                if (f == null) {
                    f = CascadeFaceFinder.builder().build();
                    finder = f;
                }
            }
        }
        return f;
    }

    /** The crop region: the policy's region around a face, or the whole image. */
    private Box region(Box face, boolean given, Mat image) {
        double aspect = (double) spec.inputWidth() / spec.inputHeight();
        CropPolicy crop = preprocessor.crop();
        if (crop.kind() == CropPolicy.Kind.WHOLE_IMAGE) {
            // A whole-image model given a box treats the box as its image.
            return given
                    ? new Box(face.x() - 0.5, face.y() - 0.5, face.width(), face.height())
                    : crop.region(face, image.cols(), image.rows(), aspect);
        }
        if (!given && wholeImage) {
            Box whole = new Box(-0.5, -0.5, image.cols(), image.rows());
            return crop.keepAspect() ? whole.expandToAspect(aspect) : whole;
        }
        return crop.region(face, image.cols(), image.rows(), aspect);
    }

    private Mat toModelChannels(Mat image) {
        OpenCv.load();
        int c = image.channels();
        boolean gray = preprocessor.grayscale();
        if ((gray && c == 1) || (!gray && c == 3)) {
            return image;
        }
        int code;
        if (gray) {
            code = c == 4 ? Imgproc.COLOR_BGRA2GRAY : Imgproc.COLOR_BGR2GRAY;
        } else {
            code = c == 4 ? Imgproc.COLOR_BGRA2BGR : Imgproc.COLOR_GRAY2BGR;
        }
        Mat out = new Mat();
        Imgproc.cvtColor(image, out, code);
        return out;
    }

    private List<float[]> forward(List<float[]> inputs) {
        if (forwardLock != null) {
            forwardLock.lock();
        }
        try (Predictor<float[], float[]> predictor = model.model().newPredictor(translator)) {
            return predictor.batchPredict(inputs);
        } catch (TranslateException e) {
            throw new IllegalStateException("Prediction failed: " + e.getMessage(), e);
        } finally {
            if (forwardLock != null) {
                forwardLock.unlock();
            }
        }
    }

    private static Keypoints average(Keypoints a, Keypoints b) {
        float[] xa = a.toArray();
        float[] xb = b.toArray();
        float[] m = new float[xa.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = (xa[i] + xb[i]) / 2;
        }
        return Keypoints.of(a.scheme(), m);
    }

    private static boolean trainedOnWholeImages(ModelSpec spec) {
        return CropPolicy.Kind.WHOLE_IMAGE.name().equals(spec.crop().kind());
    }

    /** Closes the model and its native memory. */
    @Override
    public void close() {
        model.close();
    }

    /** Builds a {@link KeypointDetector}; the model directory is required. */
    public static final class Builder {
        private Path modelDir;
        private String engine;
        private Device device;
        private FaceFinder finder;
        private Path cascade;
        private int refinement = 1;
        private Boolean wholeImage;
        private boolean flipAverage;
        private int batchSize = 32;

        private Builder() {}

        /**
         * Sets the saved model directory ({@link KeypointModel#save}). Required.
         *
         * @param dir the model directory
         * @return this builder
         */
        public Builder setModel(Path dir) {
            this.modelDir = dir;
            return this;
        }

        /**
         * Sets the engine to run on (default: the engine the model was trained on).
         *
         * @param engine {@code PyTorch} or {@code MXNet}
         * @return this builder
         */
        public Builder optEngine(String engine) {
            this.engine = engine;
            return this;
        }

        /**
         * Sets the device (default: the engine's default device).
         *
         * @param device the device
         * @return this builder
         */
        public Builder optDevice(Device device) {
            this.device = device;
            return this;
        }

        /**
         * Sets the face finder used when no face box is given (default: a {@link CascadeFaceFinder}
         * with {@link #optCascade(Path)} or the bundled cascade, built on first use).
         *
         * @param finder the finder
         * @return this builder
         */
        public Builder optFaceFinder(FaceFinder finder) {
            this.finder = finder;
            return this;
        }

        /**
         * Sets the cascade XML of the default face finder (default: the bundled {@link
         * CascadeFaceFinder#DEFAULT_CASCADE}); a missing file fails {@link #build()}.
         *
         * @param cascade the cascade file
         * @return this builder
         */
        public Builder optCascade(Path cascade) {
            this.cascade = cascade;
            return this;
        }

        /**
         * Sets whether faces without a given box use the whole image instead of the face finder
         * (default: true for models trained on whole images, false for face-crop models).
         *
         * @param wholeImage whether to use the whole image
         * @return this builder
         */
        public Builder optWholeImage(boolean wholeImage) {
            this.wholeImage = wholeImage;
            return this;
        }

        /**
         * Sets test-time flip averaging (default off): each face is also predicted mirrored, and
         * the mirrored prediction, flipped back, is averaged in.
         *
         * @param flipAverage whether to average with the mirror
         * @return this builder
         */
        public Builder optFlipAverage(boolean flipAverage) {
            this.flipAverage = flipAverage;
            return this;
        }

        /**
         * Sets how many times a face the finder found is predicted again on the tight box of the
         * previous prediction (default 1; 0 keeps the first prediction). Given boxes are used as
         * they are.
         *
         * @param passes at least 0
         * @return this builder
         */
        public Builder optRefinement(int passes) {
            this.refinement = passes;
            return this;
        }

        /**
         * Sets the largest number of faces per forward pass in {@link #detectBatch} (default 32).
         *
         * @param batchSize at least 1
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Loads the model (and the face finder if one may be needed).
         *
         * @return the detector
         * @throws IllegalArgumentException naming the missing or invalid value, or a missing
         *     cascade file
         * @throws IOException naming the file if the model directory cannot be read
         */
        public KeypointDetector build() throws IOException {
            if (modelDir == null) {
                throw new IllegalArgumentException("Missing model directory: call setModel()");
            }
            if (batchSize < 1) {
                throw new IllegalArgumentException(
                        "batchSize must be at least 1, was " + batchSize);
            }
            if (finder != null && cascade != null) {
                throw new IllegalArgumentException(
                        "Give either optFaceFinder() or optCascade(), not both");
            }
            if (refinement < 0) {
                throw new IllegalArgumentException(
                        "refinement must be at least 0, was " + refinement);
            }
            ModelSpec spec = KeypointModel.readSpec(modelDir);
            FaceFinder f = finder;
            if (f == null && cascade != null) {
                f = CascadeFaceFinder.builder().optCascade(cascade).build();
            }
            KeypointModel model;
            if (engine == null && device == null) {
                model = KeypointModel.load(modelDir);
            } else {
                String e = engine != null ? engine : spec.engine();
                Device d = device != null ? device : Engine.getEngine(e).defaultDevice();
                model = KeypointModel.load(modelDir, e, d);
            }
            try {
                return new KeypointDetector(this, model, f);
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        }
    }
}
