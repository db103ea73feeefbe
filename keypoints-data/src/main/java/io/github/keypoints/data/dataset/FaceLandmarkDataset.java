package io.github.keypoints.data.dataset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.Trainer;
import ai.djl.training.dataset.RandomAccessDataset;
import ai.djl.training.dataset.Record;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.util.Progress;
import io.github.keypoints.data.Affine;
import io.github.keypoints.data.Box;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkDataset;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.augment.AugmentationPipeline;
import io.github.keypoints.data.augment.AugmentationPlan;
import io.github.keypoints.data.augment.ImageSample;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.preprocess.AffineWarp;
import io.github.keypoints.data.preprocess.CropPolicy;
import io.github.keypoints.data.preprocess.PixelNormalization;
import io.github.keypoints.data.preprocess.Preprocessor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SplittableRandom;
import org.opencv.core.Mat;
import org.opencv.core.Rect;

/**
 * A DJL {@link RandomAccessDataset} of annotated faces: each record's data is the network input
 * image (float {@code C×H×W}, {@code C} = 1 for grayscale or 3 for RGB, normalised by a {@link
 * PixelNormalization}) and its label the {@code 2N} keypoint coordinates relative to the input
 * ({@code x_input / inputWidth}, {@code y_input / inputHeight}; see {@link LandmarkDataset}).
 *
 * <p>Per sample: the photo is decoded, cropped and resized by one {@link Preprocessor} affine; the
 * result is kept in an {@link ImageCache}; then, if set, the {@link AugmentationPipeline} warps it
 * once more. The cache holds images at the network input size, as the reference project resized
 * before augmenting: rotating a 240×180 image costs one extra bilinear resampling, much cheaper
 * than re-reading a multi-megapixel photo, and the augmentation's single warp keeps that the only
 * extra one.
 *
 * <p>Augmentation randomness is derived from {@code (seed, epoch, index)} alone ({@link
 * #sampleSeed(long, int, long)}), so a sample's augmentation is the same whatever the order or
 * thread that fetches it, differs from epoch to epoch, and repeats exactly for the same seed. Call
 * {@link #setEpoch(int)} at the start of each epoch. {@link #get(NDManager, long)} is thread-safe.
 * <!-- snippet-context: List<FaceSample> immTrain; AugmentationPipeline pipeline; -->
 *
 * <pre>{@code
 * FaceLandmarkDataset train = FaceLandmarkDataset.builder()
 *         .setSamples(immTrain)
 *         .setInputSize(240, 180)
 *         .optScheme(LandmarkScheme.NOSE_TIP)
 *         .optAugmentation(pipeline)
 *         .optSeed(7)
 *         .optCache(ImageCache.inMemory())
 *         .setSampling(32, true)
 *         .build();
 * }</pre>
 */
public final class FaceLandmarkDataset extends RandomAccessDataset
        implements LandmarkDataset, EpochAware {

    /** The seed used when none is set. */
    public static final long DEFAULT_SEED = 12345L;

    private final List<FaceSample> samples;
    private final Preprocessor preprocessor;
    private final LandmarkScheme scheme;
    private final PixelNormalization normalization;
    private final AugmentationPipeline augmentation;
    private final long seed;
    private final ImageCache cache;
    private final int padX;
    private final int padY;
    private final boolean shuffle;
    private volatile int epoch;

    private FaceLandmarkDataset(Builder b) {
        super(b);
        this.samples = List.copyOf(b.samples);
        this.preprocessor = b.preprocessor;
        this.scheme = b.scheme;
        this.normalization = b.normalization;
        this.augmentation = b.augmentation;
        this.seed = b.seed;
        this.cache = b.cache;
        this.padX = (int) Math.round(b.context * preprocessor.inputWidth());
        this.padY = (int) Math.round(b.context * preprocessor.inputHeight());
        this.shuffle = b.shuffle;
    }

    /**
     * Returns a new builder.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Derives the seed of one sample's augmentation in one epoch (SplitMix64 mixing of the three
     * numbers), so that no two (epoch, index) pairs share a random stream in practice.
     *
     * @param seed the dataset seed
     * @param epoch the epoch
     * @param index the sample index
     * @return the per-sample seed
     */
    public static long sampleSeed(long seed, int epoch, long index) {
        long h = mix(seed);
        h = mix(h + 0x9E3779B97F4A7C15L * (epoch + 1L));
        return mix(h + 0xC2B2AE3D27D4EB4FL * (index + 1L));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /**
     * Sets the epoch whose augmentation {@link #get} draws; call it before each epoch.
     *
     * @param epoch the epoch, from 0
     */
    @Override
    public void setEpoch(int epoch) {
        this.epoch = epoch;
    }

    /**
     * Returns a training listener that advances this dataset's epoch at the end of every training
     * epoch, so each epoch draws new (and reproducible) augmentations without manual calls to
     * {@link #setEpoch(int)}. Add it to the {@code TrainingConfig} of the trainer that iterates
     * this dataset.
     *
     * @return the listener
     */
    public TrainingListener epochListener() {
        return new TrainingListenerAdapter() {
            @Override
            public void onEpoch(Trainer trainer) {
                setEpoch(epoch + 1);
            }
        };
    }

    /**
     * Returns the batch size of this dataset's sampling ({@code setSampling}).
     *
     * @return the samples per batch
     */
    public int batchSize() {
        return sampler.getBatchSize();
    }

    /**
     * Tells whether this dataset's sampling shuffles the samples every epoch ({@code setSampling};
     * a custom {@code setSampler} counts as shuffling).
     *
     * @return whether epochs visit the samples in a new order
     */
    public boolean shuffles() {
        return shuffle;
    }

    /**
     * Returns the current epoch.
     *
     * @return the epoch
     */
    public int epoch() {
        return epoch;
    }

    /**
     * Returns the preprocessing of this dataset.
     *
     * @return the preprocessor
     */
    public Preprocessor preprocessor() {
        return preprocessor;
    }

    /**
     * Returns how input pixels are scaled (the mean and standard deviation subtracted and divided).
     *
     * @return the normalisation
     */
    public PixelNormalization normalization() {
        return normalization;
    }

    @Override
    public LandmarkScheme scheme() {
        return scheme;
    }

    @Override
    public int inputWidth() {
        return preprocessor.inputWidth();
    }

    @Override
    public int inputHeight() {
        return preprocessor.inputHeight();
    }

    @Override
    public FaceSample sample(int index) {
        return samples.get(index);
    }

    @Override
    public Affine toOriginal(int index) {
        return toInput(cached(index)).inverse();
    }

    /**
     * Returns the context kept around each input, in input pixels on each side ({@code x}, {@code
     * y}).
     *
     * @return {@code {padX, padY}}
     */
    public int[] contextPixels() {
        return new int[] {padX, padY};
    }

    /** The original-to-input transform of a cached image, which holds the input plus context. */
    private Affine toInput(CachedImage c) {
        return c.toInput().then(Affine.translation(-padX, -padY));
    }

    @Override
    public Record get(NDManager manager, long index) throws IOException {
        ImageSample s;
        try {
            s = inputSample(Math.toIntExact(index), augmentation != null);
        } catch (UncheckedIOException e) {
            throw new IOException(e.getMessage(), e.getCause());
        }
        try {
            Mat image = s.image();
            float[] chw = normalization.toChw(image);
            NDArray data =
                    TensorUpload.floats(
                            manager, chw, new Shape(image.channels(), image.rows(), image.cols()));
            NDArray label = manager.create(s.keypoints().toRelative(inputWidth(), inputHeight()));
            return new Record(new NDList(data), new NDList(label));
        } finally {
            s.release();
        }
    }

    /**
     * Prepares samples exactly as {@link #get} does (augmented for the current epoch, normalised,
     * labels input-relative), but into flat arrays on the CPU, with no engine involved. It is safe
     * to call from another thread: a trainer prepares the next batch while the current one trains.
     *
     * @param indices the sample indices, in batch order
     * @return the prepared batch
     * @throws IOException naming the image if one cannot be read
     */
    public PreparedBatch prepareBatch(List<Long> indices) throws IOException {
        int n = indices.size();
        int c = preprocessor.grayscale() ? 1 : 3;
        int h = inputHeight();
        int w = inputWidth();
        int per = c * h * w;
        int labelWidth = 2 * scheme.size();
        float[] inputs = new float[n * per];
        float[] labels = new float[n * labelWidth];
        for (int i = 0; i < n; i++) {
            ImageSample s;
            try {
                s = inputSample(Math.toIntExact(indices.get(i)), augmentation != null);
            } catch (UncheckedIOException e) {
                throw new IOException(e.getMessage(), e.getCause());
            }
            try {
                float[] chw = normalization.toChw(s.image());
                if (chw.length != per) {
                    throw new IllegalStateException(
                            "sample "
                                    + indices.get(i)
                                    + " has "
                                    + chw.length
                                    + " values, not "
                                    + per);
                }
                System.arraycopy(chw, 0, inputs, i * per, per);
                System.arraycopy(
                        s.keypoints().toRelative(w, h), 0, labels, i * labelWidth, labelWidth);
            } finally {
                s.release();
            }
        }
        return new PreparedBatch(n, c, h, w, inputs, labels, labelWidth);
    }

    /**
     * Measures the mean and standard deviation of this dataset's un-augmented input pixels on the
     * 0..1 scale, over every sample and channel: the statistics that standardise a model's input
     * ({@link PixelNormalization#meanStd}).
     *
     * @return {@code {mean, std}}
     */
    public double[] inputMeanStd() {
        double sum = 0;
        double sumSq = 0;
        long n = 0;
        byte[] row = null;
        for (int i = 0; i < samples.size(); i++) {
            ImageSample s = inputSample(i, false);
            try {
                Mat m = s.image();
                int len = m.cols() * m.channels();
                if (row == null || row.length != len) {
                    row = new byte[len];
                }
                for (int r = 0; r < m.rows(); r++) {
                    m.get(r, 0, row);
                    for (byte b : row) {
                        double v = (b & 0xFF) / 255.0;
                        sum += v;
                        sumSq += v * v;
                    }
                }
                n += (long) m.rows() * len;
            } finally {
                s.release();
            }
        }
        if (n == 0) {
            throw new IllegalStateException("no samples to measure");
        }
        double mean = sum / n;
        return new double[] {mean, Math.sqrt(Math.max(sumSq / n - mean * mean, 1e-12))};
    }

    /**
     * Returns sample {@code index} as an 8-bit input-size image with its keypoints (in the target
     * scheme) in input pixels, augmented for the current epoch or not: what {@link #get} turns into
     * tensors, for galleries and checks.
     *
     * @param index the sample index
     * @param augmented whether to apply the augmentation (ignored if none is set)
     * @return the sample; release its image
     */
    public ImageSample inputSample(int index, boolean augmented) {
        FaceSample sample = samples.get(index);
        CachedImage c = cached(index);
        Affine toInput = toInput(c);
        Keypoints points = sample.keypoints().transform(toInput).toScheme(scheme);
        Box face = Preprocessor.transformBox(sample.faceBox(1.0), toInput);
        Mat stored = c.toMat();
        boolean padded = padX > 0 || padY > 0;
        if (!augmented || augmentation == null) {
            if (!padded) {
                return new ImageSample(stored, points, Optional.of(face));
            }
            try {
                Mat crop = stored.submat(new Rect(padX, padY, inputWidth(), inputHeight())).clone();
                return new ImageSample(crop, points, Optional.of(face));
            } finally {
                stored.release();
            }
        }
        ImageSample prepared = new ImageSample(stored, points, Optional.of(face));
        try {
            SplittableRandom random = new SplittableRandom(sampleSeed(seed, epoch, index));
            if (!padded) {
                return augmentation.apply(prepared, random);
            }
            // Plan in input pixels, but resample from the stored image with its context, so a
            // rotated, shrunk or shifted face shows real surroundings instead of a smeared border.
            AugmentationPlan plan =
                    augmentation.plan(inputWidth(), inputHeight(), prepared, random);
            return AugmentationPipeline.render(
                    stored, Affine.translation(-padX, -padY), plan, preprocessor.border());
        } finally {
            prepared.release();
        }
    }

    private CachedImage cached(int index) {
        FaceSample sample = samples.get(index);
        return cache.get(
                cacheKey(sample),
                () -> {
                    Mat original = ImageFiles.read(sample.image(), preprocessor.grayscale());
                    try {
                        Affine toInput =
                                preprocessor
                                        .toInput(sample, original.cols(), original.rows())
                                        .then(Affine.translation(padX, padY));
                        Mat image =
                                AffineWarp.warp(
                                        original,
                                        toInput,
                                        inputWidth() + 2 * padX,
                                        inputHeight() + 2 * padY,
                                        preprocessor.border(),
                                        true);
                        try {
                            return CachedImage.of(image, toInput);
                        } finally {
                            image.release();
                        }
                    } finally {
                        original.release();
                    }
                });
    }

    private String cacheKey(FaceSample sample) {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(sample.image(), BasicFileAttributes.class);
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "Cannot read image file " + sample.image() + " of sample " + sample.id(), e);
        }
        CropPolicy crop = preprocessor.crop();
        String region =
                crop.kind() == CropPolicy.Kind.WHOLE_IMAGE
                        ? "whole"
                        : crop.region(sample, 1, 1, (double) inputWidth() / inputHeight()).toCsv();
        return sample.image().toAbsolutePath()
                + "|"
                + attrs.lastModifiedTime().toMillis()
                + "|"
                + attrs.size()
                + "|"
                + preprocessor.describe()
                + "|"
                + region
                + (padX > 0 || padY > 0 ? "|context:" + padX + "x" + padY : "");
    }

    @Override
    protected long availableSize() {
        return samples.size();
    }

    /**
     * Does nothing: images are decoded lazily on first use and then cached.
     *
     * @param progress ignored
     */
    @Override
    public void prepare(Progress progress) {
        // Lazy by design: the first epoch fills the cache.
    }

    @Override
    public String toString() {
        return "FaceLandmarkDataset["
                + samples.size()
                + " samples, "
                + scheme.name()
                + ", "
                + preprocessor.describe()
                + ", "
                + (augmentation == null ? "no augmentation" : augmentation)
                + "]";
    }

    /** Builds a {@link FaceLandmarkDataset}; samples, input size and sampling are required. */
    public static final class Builder extends RandomAccessDataset.BaseBuilder<Builder> {

        private List<FaceSample> samples;
        // Input size, colour and crop are the preprocessor's settings: its builder keeps and
        // checks them, so they mean the same here as wherever else a Preprocessor is built.
        private final Preprocessor.Builder preprocessing = Preprocessor.builder();
        private Preprocessor preprocessor;
        private LandmarkScheme scheme;
        private PixelNormalization normalization = PixelNormalization.centered();
        private AugmentationPipeline augmentation;
        private long seed = DEFAULT_SEED;
        private ImageCache cache = ImageCache.inMemory();
        private double context;
        private boolean shuffle = true;

        private Builder() {}

        @Override
        protected Builder self() {
            return this;
        }

        /**
         * Sets the batch size and whether each epoch visits the samples in a new order; a trainer
         * takes both from here ({@link FaceLandmarkDataset#batchSize()}, {@link
         * FaceLandmarkDataset#shuffles()}).
         *
         * @param batchSize the samples per batch
         * @param shuffle whether to shuffle every epoch
         * @return this builder
         */
        @Override
        public Builder setSampling(int batchSize, boolean shuffle) {
            this.shuffle = shuffle;
            return super.setSampling(batchSize, shuffle);
        }

        /**
         * Sets the annotated faces.
         *
         * @param samples the samples, all in the same landmark scheme
         * @return this builder
         */
        public Builder setSamples(List<FaceSample> samples) {
            this.samples = samples;
            return this;
        }

        /**
         * Sets the network input size.
         *
         * @param width the input width in pixels
         * @param height the input height in pixels
         * @return this builder
         */
        public Builder setInputSize(int width, int height) {
            preprocessing.setInputSize(width, height);
            return this;
        }

        /**
         * Sets whether the input is one gray channel (default {@code true}) or three RGB channels.
         *
         * @param grayscale whether to use grayscale
         * @return this builder
         */
        public Builder optGrayscale(boolean grayscale) {
            preprocessing.optGrayscale(grayscale);
            return this;
        }

        /**
         * Sets the crop policy (default {@link CropPolicy#wholeImage()}, as the reference for IMM;
         * use {@link CropPolicy#faceBox(double)} for 300-W).
         *
         * @param crop the policy
         * @return this builder
         */
        public Builder optCrop(CropPolicy crop) {
            preprocessing.optCrop(crop);
            return this;
        }

        /**
         * Sets the target scheme, a subset of the samples' scheme (default: the samples' own), for
         * example {@link LandmarkScheme#NOSE_TIP} for IMM samples.
         *
         * @param scheme the target scheme
         * @return this builder
         */
        public Builder optScheme(LandmarkScheme scheme) {
            this.scheme = Objects.requireNonNull(scheme, "scheme");
            return this;
        }

        /**
         * Sets the pixel normalisation (default {@link PixelNormalization#centered()}).
         *
         * @param normalization the normalisation
         * @return this builder
         */
        public Builder optNormalization(PixelNormalization normalization) {
            this.normalization = Objects.requireNonNull(normalization, "normalization");
            return this;
        }

        /**
         * Sets the augmentation (default none).
         *
         * @param augmentation the pipeline
         * @return this builder
         */
        public Builder optAugmentation(AugmentationPipeline augmentation) {
            this.augmentation = Objects.requireNonNull(augmentation, "augmentation");
            return this;
        }

        /**
         * Sets the augmentation seed (default {@link #DEFAULT_SEED}).
         *
         * @param seed the seed
         * @return this builder
         */
        public Builder optSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * Sets the image cache (default {@link ImageCache#inMemory()}).
         *
         * @param cache the cache
         * @return this builder
         */
        public Builder optCache(ImageCache cache) {
            this.cache = Objects.requireNonNull(cache, "cache");
            return this;
        }

        /**
         * Sets how much of the photo around the crop the cache keeps, as a fraction of the input
         * size on each side (default 0: none). With context, augmentation resamples from the stored
         * image with its surroundings, so rotating, shrinking or shifting the face brings in real
         * pixels rather than the border mode's; inputs without augmentation are unchanged (an exact
         * crop of the stored image).
         *
         * @param fraction at least 0, for example 0.25 to keep a quarter of the input on each side
         * @return this builder
         */
        public Builder optContext(double fraction) {
            if (!(fraction >= 0) || !Double.isFinite(fraction)) {
                throw new IllegalArgumentException(
                        "context must be a finite fraction of at least 0, was " + fraction);
            }
            this.context = fraction;
            return this;
        }

        /**
         * Builds the dataset.
         *
         * @return the dataset
         * @throws IllegalArgumentException naming the missing or inconsistent value
         */
        public FaceLandmarkDataset build() {
            if (samples == null) {
                throw new IllegalArgumentException("samples must be set (setSamples)");
            }
            preprocessor = preprocessing.build();
            if (sampler == null) {
                throw new IllegalArgumentException(
                        "sampling must be set (setSampling(batchSize, shuffle))");
            }
            LandmarkScheme source = samples.isEmpty() ? null : samples.get(0).keypoints().scheme();
            for (FaceSample s : samples) {
                if (!s.keypoints().scheme().equals(source)) {
                    throw new IllegalArgumentException(
                            "All samples need one scheme: "
                                    + s.id()
                                    + " has "
                                    + s.keypoints().scheme().name()
                                    + ", the first has "
                                    + source.name());
                }
            }
            if (scheme == null) {
                if (source == null) {
                    throw new IllegalArgumentException(
                            "scheme must be set (optScheme) when there are no samples");
                }
                scheme = source;
            } else if (source != null
                    && !scheme.equals(source)
                    && !source.name().equals(scheme.parent())) {
                throw new IllegalArgumentException(
                        "Cannot convert "
                                + source.name()
                                + " samples to scheme "
                                + scheme.name()
                                + "; it is not a subset of "
                                + source.name());
            }
            return new FaceLandmarkDataset(this);
        }
    }
}
