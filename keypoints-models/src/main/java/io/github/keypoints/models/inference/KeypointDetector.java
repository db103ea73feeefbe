package io.github.keypoints.models.inference;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import io.github.keypoints.data.Box;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.detect.CascadeFaceFinder;
import io.github.keypoints.data.detect.FaceFinder;
import io.github.keypoints.data.image.BufferedImages;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.preprocess.Preprocessor;
import io.github.keypoints.models.KeypointModel;
import io.github.keypoints.models.ModelSpec;
import io.github.keypoints.models.NativeMemorySettings;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.opencv.core.Mat;

/**
 * Landmarks faces in photos with a saved keypoint model: the inference API.
 *
 * <p>A detector loads a model directory ({@link KeypointModel#load}), or runs a model already in
 * memory such as a training run returns ({@link Builder#setModel(KeypointModel)}); the model's
 * {@link ModelSpec} supplies the scheme, input size, channels, pixel normalisation and crop policy,
 * so nothing else is needed. Each face goes through the same {@link Preprocessor} the training
 * dataset uses (crop and resize in one affine, {@code INTER_AREA} when shrinking), the network
 * predicts input-relative coordinates, and the inverse affine returns them to the original image's
 * pixels.
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
 * passes take turns while preprocessing still runs in parallel. Under MXNet's synchronous engine
 * ({@code MXNET_ENGINE_TYPE=NaiveEngine}, faster at batch 1 from one thread), which MXNet 1.9.1
 * cannot run from two threads at once (one completion flag for the whole process), all detectors of
 * the process take turns with each other; other MXNet work on other threads at the same time
 * (training, a model used directly) is then still unsafe (docs/inference.md).
 *
 * <p>Speed on MXNet: start the JVM with {@code MXNET_CPU_PARALLEL_SIZE=1000000000} in its
 * environment (the {@code keypoints} launcher does). With MXNet's default, large copies from Java
 * run an OpenMP loop on the calling thread, which gives the process a second OpenMP thread pool;
 * every later operation then wakes its worker with a system call, and small networks' batch-1
 * passes took up to 1.9× as long (docs/inference.md). A detector on MXNet without it logs one
 * warning per JVM.
 *
 * <pre>{@code
 * try (KeypointDetector detector = KeypointDetector.builder()
 *         .setModel(Path.of("runs/300w/best"))
 *         .optFlipAverage(true)
 *         .build()) {
 *     Detection d = detector.detect(Path.of("photo.jpg"));
 *     Keypoints inPhotoPixels = d.keypoints();
 * }
 * }</pre>
 */
public final class KeypointDetector implements AutoCloseable {

    /** The lock all detectors share on MXNet under {@code MXNET_ENGINE_TYPE=NaiveEngine}. */
    private static final ReentrantLock SYNCHRONOUS_MXNET = new ReentrantLock();

    private final KeypointModel model;
    private final boolean ownsModel;
    private final LandmarkPipeline pipeline;
    private final Translator<LandmarkPipeline.Request, FaceLandmarks> translator;
    private final int batchSize;
    private final ReentrantLock forwardLock;

    private KeypointDetector(Builder b, KeypointModel model, boolean ownsModel, FaceFinder finder) {
        this.model = model;
        this.ownsModel = ownsModel;
        this.pipeline =
                new LandmarkPipeline(
                        model.spec(), finder, b.wholeImage, b.flipAverage, b.refinement);
        this.translator = new RequestTranslator(pipeline);
        this.batchSize = b.batchSize;
        String engine = model.model().getNDManager().getEngine().getEngineName();
        NativeMemorySettings.warnOnceIfMxNetCopiesUseOpenMp(engine);
        if ("PyTorch".equals(engine)) {
            this.forwardLock = null;
        } else if (sharesOneLock(engine, System.getenv("MXNET_ENGINE_TYPE"))) {
            this.forwardLock = SYNCHRONOUS_MXNET;
        } else {
            this.forwardLock = new ReentrantLock();
        }
    }

    /**
     * Whether every detector of the process must take turns with every other one, not only its own
     * calls with each other: on MXNet under its synchronous engine, which keeps one completion flag
     * for the whole process and so cannot run operations from two threads at once.
     *
     * @param engine the model's engine name
     * @param mxnetEngineType the value of {@code MXNET_ENGINE_TYPE}, or {@code null}
     * @return whether the detector uses the process-wide lock
     */
    static boolean sharesOneLock(String engine, String mxnetEngineType) {
        return "MXNet".equals(engine)
                && mxnetEngineType != null
                && mxnetEngineType.strip().equals("NaiveEngine");
    }

    /** Whether this detector takes turns with every detector of the process (for tests). */
    boolean takesTurnsProcessWide() {
        return forwardLock == SYNCHRONOUS_MXNET;
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
        return pipeline.spec();
    }

    /**
     * Returns the preprocessing this detector applies, built from the model's spec.
     *
     * @return the preprocessor
     */
    public Preprocessor preprocessor() {
        return pipeline.preprocessor();
    }

    /** The pipeline, for measurements in this package that need its input transform. */
    LandmarkPipeline pipeline() {
        return pipeline;
    }

    /**
     * Tells whether faces without a given box use the whole image (rather than the face finder).
     *
     * @return whether the whole image is the default region
     */
    public boolean usesWholeImage() {
        return pipeline.wholeImage();
    }

    /**
     * Tells whether predictions average the image and its mirror.
     *
     * @return whether flip averaging is on
     */
    public boolean flipAveraging() {
        return pipeline.flipAverage();
    }

    /**
     * Returns the DJL translator with this detector's settings (face finder, whole image, flip
     * averaging, refinement), for a {@code Predictor} of {@link #model()}.
     *
     * @return a translator from DJL images to their landmarked faces
     */
    public FaceLandmarkTranslator translator() {
        return FaceLandmarkTranslator.builder(pipeline.spec())
                .optFaceFinder(pipeline.finder())
                .optWholeImage(pipeline.wholeImage())
                .optFlipAverage(pipeline.flipAverage())
                .optRefinement(pipeline.refinement())
                .build();
    }

    /**
     * Returns the loaded model.
     *
     * @return the model; closed with this detector unless it was given loaded
     */
    public KeypointModel model() {
        return model;
    }

    /**
     * Reads a photo and landmarks its face: the largest face the finder finds, or the whole image
     * for whole-image models.
     *
     * @param image the image file
     * @return the detection in the photo's pixels
     * @throws java.io.UncheckedIOException naming the file if it cannot be read
     * @throws IllegalArgumentException naming the file if it is not a decodable image
     * @throws FaceNotFoundException naming the file if no face was found
     */
    public Detection detect(Path image) {
        return detect(image, Optional.empty());
    }

    /**
     * Reads a photo and landmarks the face in a given box (no face finder involved).
     *
     * @param image the image file
     * @param face the face box in the photo's pixels
     * @return the detection in the photo's pixels
     * @throws java.io.UncheckedIOException naming the file if it cannot be read
     * @throws IllegalArgumentException naming the file if it is not a decodable image
     */
    public Detection detect(Path image, Box face) {
        return detect(image, Optional.of(face));
    }

    /**
     * Landmarks the face of an OpenCV image: the largest face the finder finds, or the whole image
     * for whole-image models.
     *
     * @param image an 8-bit gray, BGR or BGRA image; not modified or released
     * @return the detection in the image's pixels
     * @throws FaceNotFoundException if no face was found
     */
    public Detection detect(Mat image) {
        return detect(image, Optional.empty());
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
        Mat m = ImageFiles.read(image, pipeline.preprocessor().grayscale());
        return run(List.of(request(m, face, false, true, image + ": "))).get(0).faces().get(0);
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
        return run(List.of(request(m, face, false, true, ""))).get(0).faces().get(0);
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
        Mat m = ImageFiles.read(image, pipeline.preprocessor().grayscale());
        return run(List.of(request(m, Optional.empty(), true, true, image + ": "))).get(0).faces();
    }

    /**
     * Landmarks every face in an OpenCV image: the face finder's boxes, largest first, each
     * landmarked (all in one forward pass) and refined as {@link #detect(Mat, Optional)} does.
     *
     * @param image an 8-bit gray, BGR or BGRA image; not modified or released
     * @return one detection per face, largest first (one, the whole image, for whole-image models);
     *     empty if no face was found
     */
    public List<Detection> detectAll(Mat image) {
        return run(List.of(request(image, Optional.empty(), true, false, ""))).get(0).faces();
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
     * Builder#optBatchSize(int)} images.
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
        boolean batch = images.size() > 1;
        List<Detection> out = new ArrayList<>(images.size());
        for (int start = 0; start < images.size(); start += batchSize) {
            int end = Math.min(images.size(), start + batchSize);
            List<LandmarkPipeline.Request> chunk = new ArrayList<>(end - start);
            for (int i = start; i < end; i++) {
                chunk.add(
                        request(
                                images.get(i),
                                faces.get(i),
                                false,
                                false,
                                batch ? "image " + i + ": " : ""));
            }
            for (FaceLandmarks f : run(chunk)) {
                out.add(f.faces().get(0));
            }
        }
        return out;
    }

    private static LandmarkPipeline.Request request(
            Mat image, Optional<Box> face, boolean all, boolean owned, String name) {
        return new LandmarkPipeline.Request(image, face.orElse(null), all, owned, name);
    }

    /** Runs the requests through one predictor of the model (taking turns off PyTorch). */
    private List<FaceLandmarks> run(List<LandmarkPipeline.Request> requests) {
        if (forwardLock != null) {
            forwardLock.lock();
        }
        try (Predictor<LandmarkPipeline.Request, FaceLandmarks> predictor =
                model.model().newPredictor(translator)) {
            return predictor.batchPredict(requests);
        } catch (TranslateException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("Prediction failed: " + e.getMessage(), e);
        } finally {
            if (forwardLock != null) {
                forwardLock.unlock();
            }
            LandmarkPipeline.release(requests);
        }
    }

    /** OpenCV images with optional boxes in, as the detector's methods build them. */
    private static final class RequestTranslator
            extends PipelineTranslator<LandmarkPipeline.Request> {

        RequestTranslator(LandmarkPipeline pipeline) {
            super(pipeline);
        }

        @Override
        LandmarkPipeline.Request request(
                TranslatorContext ctx, LandmarkPipeline.Request input, int index) {
            return input;
        }
    }

    /**
     * Closes the model and its native memory, unless the model was given loaded ({@link
     * Builder#setModel(KeypointModel)}): its owner closes it.
     */
    @Override
    public void close() {
        if (ownsModel) {
            model.close();
        }
    }

    /** Builds a {@link KeypointDetector}; the model (a directory or a loaded one) is required. */
    public static final class Builder {
        private Path modelDir;
        private KeypointModel loaded;
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
            this.loaded = null;
            return this;
        }

        /**
         * Sets a model already in memory, such as the one a training run returns, instead of a
         * directory. The detector runs on the model's engine and device, makes its parameters ask
         * for no gradient (inference only), and does not close it: its owner does, after the
         * detector.
         *
         * @param model the model
         * @return this builder
         */
        public Builder setModel(KeypointModel model) {
            this.loaded = Objects.requireNonNull(model, "model");
            this.modelDir = null;
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
         * the mirrored prediction, flipped back, is averaged in. The model's {@link
         * io.github.keypoints.models.ModelSpec#flipOffsetX()} is then added to the averaged {@code
         * x} (0 unless fitted with {@link FlipOffsetFit}). It costs a second network input per
         * face.
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
            if (modelDir == null && loaded == null) {
                throw new IllegalArgumentException("Missing model directory: call setModel()");
            }
            if (loaded != null && (engine != null || device != null)) {
                throw new IllegalArgumentException(
                        "optEngine() and optDevice() choose where a model directory is loaded;"
                                + " the model given to setModel() is already loaded on "
                                + loaded.model().getNDManager().getEngine().getEngineName()
                                + ", "
                                + loaded.model().getNDManager().getDevice());
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
            NativeMemorySettings.warnOnceIfMissing();
            FaceFinder f = finder;
            if (f == null && cascade != null) {
                f = CascadeFaceFinder.builder().optCascade(cascade).build();
            }
            if (loaded != null) {
                loaded.block().freezeParameters(true);
                return new KeypointDetector(this, loaded, false, f);
            }
            ModelSpec spec = KeypointModel.readSpec(modelDir);
            KeypointModel model;
            if (engine == null && device == null) {
                model = KeypointModel.load(modelDir);
            } else {
                String e = engine != null ? engine : spec.engine();
                Device d = device != null ? device : Engine.getEngine(e).defaultDevice();
                model = KeypointModel.load(modelDir, e, d);
            }
            // Inference only: no parameter asks for a gradient (as DJL loads TorchScript models),
            // so no forward pass can record an autograd graph, even inside a gradient scope.
            model.block().freezeParameters(true);
            try {
                return new KeypointDetector(this, model, true, f);
            } catch (RuntimeException e) {
                model.close();
                throw e;
            }
        }
    }
}
