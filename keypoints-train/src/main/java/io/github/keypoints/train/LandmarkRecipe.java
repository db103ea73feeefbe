package io.github.keypoints.train;

import ai.djl.training.loss.Loss;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.augment.Augmentation;
import io.github.keypoints.data.augment.AugmentationPipeline;
import io.github.keypoints.data.augment.Center;
import io.github.keypoints.data.dataset.FaceLandmarkDataset;
import io.github.keypoints.data.dataset.ImageCache;
import io.github.keypoints.data.preprocess.CropPolicy;
import io.github.keypoints.data.preprocess.PixelNormalization;
import io.github.keypoints.models.HeatmapNet;
import io.github.keypoints.models.KeypointBlock;
import io.github.keypoints.models.ModelSpec;
import io.github.keypoints.models.ModelZoo;
import io.github.keypoints.models.TorchDefaultInitializer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A face-crop training recipe: network, input, crop, augmentation, loss, schedule and budget, in
 * one immutable object that builds the datasets, the network, the loss and the model spec of a run
 * the same way every time.
 *
 * <p>{@link #ibug68()} is the library's default 68-point landmarker recipe, chosen by the ablation
 * in {@code docs/results-300w.md}: a {@link HeatmapNet} (U-Net, 32 base channels, one 16×16 heatmap
 * per point at a 64×64 input, decoded by soft-argmax, the integral regression of <a
 * href="https://arxiv.org/abs/1711.08229">Sun et al., 2018</a>) trained with Wing loss on the
 * decoded coordinates, Adam 1e-3 with a cosine schedule to 1e-5 over 200 epochs, standardised input
 * and keypoint-safe augmentation. Change any part through {@link #toBuilder()}:
 * <!-- snippet-context: List<FaceSample> trainFaces; List<FaceSample> heldOutFaces; long seed; -->
 *
 * <pre>{@code
 * LandmarkRecipe recipe = LandmarkRecipe.ibug68().toBuilder().optEpochs(20).build();
 * ImageCache cache = ImageCache.inMemory();
 * PixelNormalization norm = recipe.normalization(trainFaces, cache);
 * FaceLandmarkDataset train = recipe.trainingSet(trainFaces, cache, norm, seed);
 * FaceLandmarkDataset select = recipe.evaluationSet(heldOutFaces, cache, norm);
 * KeypointBlock net = recipe.newBlock(LandmarkScheme.IBUG_68, seed);
 * }</pre>
 *
 * <p>Crops are the tight box of the face's points grown by {@link #margin()}, made square; the
 * image cache keeps {@link #context()} of the surroundings so that rotation, scaling and shifting
 * show real pixels. Geometric augmentation turns about the face centre: a rotation, a scaling and a
 * shift of the box (the "box jitter" that teaches the network to tolerate a face finder's box), a
 * mirror with the scheme's point renumbering, and brightness/contrast jitter.
 */
public final class LandmarkRecipe {

    /** The losses a recipe can train with. */
    public enum LossKind {
        /** {@link WingLoss} with the recipe's width and curvature, in input pixels. */
        WING,
        /** Mean squared error on input-relative coordinates ({@link MseLoss}). */
        MSE,
        /** Mean absolute error ({@link L1KeypointLoss}). */
        L1
    }

    private final String architecture;
    private final Map<String, Object> architectureConfig;
    private final int inputSize;
    private final double margin;
    private final double context;
    private final double rotation;
    private final double minScale;
    private final double maxScale;
    private final double shift;
    private final boolean flip;
    private final double jitter;
    private final LossKind loss;
    private final float wingWidth;
    private final float wingCurvature;
    private final float learningRate;
    private final float finalLearningRate;
    private final int epochs;
    private final int batchSize;
    private final boolean standardize;

    private LandmarkRecipe(Builder b) {
        this.architecture = b.architecture;
        this.architectureConfig = Map.copyOf(b.architectureConfig);
        this.inputSize = b.inputSize;
        this.margin = b.margin;
        this.context = b.context;
        this.rotation = b.rotation;
        this.minScale = b.minScale;
        this.maxScale = b.maxScale;
        this.shift = b.shift;
        this.flip = b.flip;
        this.jitter = b.jitter;
        this.loss = b.loss;
        this.wingWidth = b.wingWidth;
        this.wingCurvature = b.wingCurvature;
        this.learningRate = b.learningRate;
        this.finalLearningRate = b.finalLearningRate;
        this.epochs = b.epochs;
        this.batchSize = b.batchSize;
        this.standardize = b.standardize;
    }

    /**
     * Returns the default 68-point (iBUG 300-W) recipe.
     *
     * @return the recipe
     */
    public static LandmarkRecipe ibug68() {
        return new Builder().build();
    }

    /**
     * Returns a builder that starts from the default 68-point recipe.
     *
     * @return the builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns a builder holding this recipe's values.
     *
     * @return the builder
     */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /**
     * Returns the network architecture name in {@link ModelZoo}.
     *
     * @return the name
     */
    public String architecture() {
        return architecture;
    }

    /**
     * Returns the square input side in pixels.
     *
     * @return the side
     */
    public int inputSize() {
        return inputSize;
    }

    /**
     * Returns the growth of the tight point box that makes the crop.
     *
     * @return the factor
     */
    public double margin() {
        return margin;
    }

    /**
     * Returns the context the image cache keeps around each crop, as a fraction of the input side.
     *
     * @return the fraction
     */
    public double context() {
        return context;
    }

    /**
     * Returns Adam's starting learning rate.
     *
     * @return the rate
     */
    public float learningRate() {
        return learningRate;
    }

    /**
     * Returns the learning rate the cosine schedule ends at (equal to the starting rate for a fixed
     * rate).
     *
     * @return the rate
     */
    public float finalLearningRate() {
        return finalLearningRate;
    }

    /**
     * Returns the number of epochs.
     *
     * @return the epochs
     */
    public int epochs() {
        return epochs;
    }

    /**
     * Returns the batch size.
     *
     * @return the batch size
     */
    public int batchSize() {
        return batchSize;
    }

    /**
     * Tells whether inputs are standardised with the training images' mean and deviation.
     *
     * @return whether to standardise
     */
    public boolean standardizes() {
        return standardize;
    }

    /**
     * Returns the crop policy of training and inference.
     *
     * @return the policy
     */
    public CropPolicy crop() {
        return CropPolicy.faceBox(margin).keepingAspect();
    }

    /**
     * Returns the training augmentation, or {@code null} when every part is off.
     *
     * @return the pipeline or {@code null}
     */
    public AugmentationPipeline augmentation() {
        List<Augmentation> steps = new ArrayList<>();
        if (rotation > 0) {
            steps.add(Augmentation.rotation(rotation, Center.FACE_BOX));
        }
        if (minScale != 1 || maxScale != 1) {
            steps.add(Augmentation.scale(minScale, maxScale, Center.FACE_BOX));
        }
        if (shift > 0) {
            steps.add(Augmentation.shift(shift * inputSize));
        }
        if (flip) {
            steps.add(Augmentation.withProbability(0.5, Augmentation.horizontalFlip()));
        }
        if (jitter > 0) {
            steps.add(Augmentation.colorJitter(jitter, jitter));
        }
        if (steps.isEmpty()) {
            return null;
        }
        return AugmentationPipeline.builder()
                .setAugmentation(Augmentation.sequence(steps.toArray(new Augmentation[0])))
                .build();
    }

    /**
     * Returns the training loss.
     *
     * @return a new loss
     */
    public Loss loss() {
        return switch (loss) {
            case WING ->
                    WingLoss.builder()
                            .optWidth(wingWidth)
                            .optCurvature(wingCurvature)
                            .optScale(inputSize)
                            .build();
            case MSE -> new MseLoss(MseLoss.Reduction.MEAN);
            case L1 -> new L1KeypointLoss();
        };
    }

    /**
     * Returns the learning-rate schedule: cosine from the rate down to the final rate, or fixed
     * when they are equal.
     *
     * @return the schedule
     */
    public LearningRateSchedule schedule() {
        return finalLearningRate == learningRate
                ? LearningRateSchedule.fixed(learningRate)
                : LearningRateSchedule.cosine(learningRate, finalLearningRate);
    }

    /**
     * Builds a new, uninitialised network for a scheme, its initialiser seeded.
     *
     * @param scheme the landmark scheme, which sets the outputs
     * @param seed the initialiser seed
     * @return the network
     */
    public KeypointBlock newBlock(LandmarkScheme scheme, long seed) {
        Map<String, Object> config = new LinkedHashMap<>(architectureConfig);
        config.put("outputs", 2 * scheme.size());
        return (KeypointBlock)
                new TorchDefaultInitializer(seed).install(ModelZoo.create(architecture, config));
    }

    /**
     * Returns the input normalisation for a training set: its own pixel mean and deviation when the
     * recipe standardises, else {@link PixelNormalization#centered()}.
     *
     * @param faces the training faces
     * @param cache the image cache, shared with the run's datasets (this pass fills it)
     * @return the normalisation
     */
    public PixelNormalization normalization(List<FaceSample> faces, ImageCache cache) {
        if (!standardize) {
            return PixelNormalization.centered();
        }
        double[] ms = dataset(faces, cache, 0, null, null, false, 0).inputMeanStd();
        return PixelNormalization.meanStd(new float[] {(float) ms[0]}, new float[] {(float) ms[1]});
    }

    /**
     * Builds the augmented, shuffled training dataset.
     *
     * @param faces the training faces
     * @param cache the image cache, shared with the run's other datasets
     * @param normalization the input normalisation ({@link #normalization})
     * @param seed the augmentation seed
     * @return the dataset
     */
    public FaceLandmarkDataset trainingSet(
            List<FaceSample> faces, ImageCache cache, PixelNormalization normalization, long seed) {
        return dataset(faces, cache, seed, augmentation(), normalization, true, context);
    }

    /**
     * Builds an evaluation dataset (no augmentation, no shuffling, no context) prepared exactly as
     * a saved model's {@code KeypointDetector} prepares a face, so the figures measured on it are
     * what inference gives.
     *
     * @param faces the faces to evaluate
     * @param cache the image cache
     * @param normalization the normalisation of the model (a training set's, or a saved model's)
     * @return the dataset
     */
    public FaceLandmarkDataset evaluationSet(
            List<FaceSample> faces, ImageCache cache, PixelNormalization normalization) {
        return dataset(faces, cache, 0, null, normalization, false, 0);
    }

    private FaceLandmarkDataset dataset(
            List<FaceSample> faces,
            ImageCache cache,
            long seed,
            AugmentationPipeline augment,
            PixelNormalization norm,
            boolean shuffle,
            double keep) {
        if (faces.isEmpty()) {
            throw new IllegalArgumentException("no faces to train or evaluate on");
        }
        FaceLandmarkDataset.Builder b =
                FaceLandmarkDataset.builder()
                        .setSamples(faces)
                        .setInputSize(inputSize, inputSize)
                        .optCrop(crop())
                        .optContext(keep)
                        .optSeed(seed)
                        .optCache(cache)
                        .setSampling(batchSize, shuffle);
        if (norm != null) {
            b.optNormalization(norm);
        }
        if (augment != null) {
            b.optAugmentation(augment);
        }
        return b.build();
    }

    /**
     * Returns the spec a model trained with this recipe is saved with.
     *
     * @param block the trained network
     * @param scheme its landmark scheme
     * @param normalization the training set's normalisation
     * @param engine the engine it was trained on
     * @param provenance how it was made (data, split, seed, …)
     * @return the spec
     */
    public ModelSpec modelSpec(
            KeypointBlock block,
            LandmarkScheme scheme,
            PixelNormalization normalization,
            String engine,
            Map<String, String> provenance) {
        Map<String, String> p = new LinkedHashMap<>(provenance);
        p.put("recipe", toString());
        return ModelSpec.builder()
                .setBlock(block)
                .setScheme(scheme)
                .setInputSize(inputSize, inputSize)
                .optCrop(crop())
                .optNormalization(normalization)
                .optEngine(engine)
                .optProvenance(p)
                .build();
    }

    @Override
    public String toString() {
        return String.format(
                Locale.ROOT,
                "%s %s, %dx%d, crop points box x%.2f, context %.2f; augmentation: rotate %.0f deg,"
                        + " scale %.2f-%.2f, shift %.2f, flip %s, jitter %.2f; loss %s; Adam"
                        + " %.0e%s, batch %d, %d epochs, %s input",
                architecture,
                architectureConfig,
                inputSize,
                inputSize,
                margin,
                context,
                rotation,
                minScale,
                maxScale,
                shift,
                flip ? "on" : "off",
                jitter,
                loss == LossKind.WING
                        ? String.format(
                                Locale.ROOT, "wing(w=%.1f, eps=%.1f)", wingWidth, wingCurvature)
                        : loss.name().toLowerCase(Locale.ROOT),
                learningRate,
                finalLearningRate == learningRate
                        ? " fixed"
                        : String.format(Locale.ROOT, " cosine to %.0e", finalLearningRate),
                batchSize,
                epochs,
                standardize ? "standardised" : "centred");
    }

    /** Builds a {@link LandmarkRecipe}; every value starts at the default 68-point recipe's. */
    public static final class Builder {
        private String architecture = HeatmapNet.NAME;
        private Map<String, Object> architectureConfig =
                Map.of("baseChannels", 32, "outputStride", 4);
        private int inputSize = 64;
        private double margin = 1.2;
        private double context = 0.25;
        private double rotation = 20;
        private double minScale = 0.9;
        private double maxScale = 1.1;
        private double shift = 0.05;
        private boolean flip = true;
        private double jitter = 0.3;
        private LossKind loss = LossKind.WING;
        private float wingWidth = 10f;
        private float wingCurvature = 2f;
        private float learningRate = 1e-3f;
        private float finalLearningRate = 1e-5f;
        private int epochs = 200;
        private int batchSize = 32;
        private boolean standardize = true;

        private Builder() {}

        private Builder(LandmarkRecipe r) {
            architecture = r.architecture;
            architectureConfig = r.architectureConfig;
            inputSize = r.inputSize;
            margin = r.margin;
            context = r.context;
            rotation = r.rotation;
            minScale = r.minScale;
            maxScale = r.maxScale;
            shift = r.shift;
            flip = r.flip;
            jitter = r.jitter;
            loss = r.loss;
            wingWidth = r.wingWidth;
            wingCurvature = r.wingCurvature;
            learningRate = r.learningRate;
            finalLearningRate = r.finalLearningRate;
            epochs = r.epochs;
            batchSize = r.batchSize;
            standardize = r.standardize;
        }

        /**
         * Sets the network: a {@link ModelZoo} name and its builder parameters ({@code outputs} is
         * set from the scheme).
         *
         * @param name the architecture name
         * @param config the parameters, possibly empty
         * @return this builder
         */
        public Builder optArchitecture(String name, Map<String, ?> config) {
            this.architecture = Objects.requireNonNull(name, "name");
            this.architectureConfig = new LinkedHashMap<>(config);
            return this;
        }

        /**
         * Sets the square input side.
         *
         * @param side the side in pixels, at least 8
         * @return this builder
         */
        public Builder optInputSize(int side) {
            this.inputSize = side;
            return this;
        }

        /**
         * Sets the growth of the tight point box that makes the crop.
         *
         * @param margin at least 1
         * @return this builder
         */
        public Builder optMargin(double margin) {
            this.margin = margin;
            return this;
        }

        /**
         * Sets the context the image cache keeps (see {@link
         * FaceLandmarkDataset.Builder#optContext}).
         *
         * @param context a fraction of the input side, at least 0
         * @return this builder
         */
        public Builder optContext(double context) {
            this.context = context;
            return this;
        }

        /**
         * Sets the largest rotation (0 for none).
         *
         * @param degrees 0..180
         * @return this builder
         */
        public Builder optRotation(double degrees) {
            this.rotation = degrees;
            return this;
        }

        /**
         * Sets the scaling range about the face centre ({@code 1, 1} for none).
         *
         * @param min the smallest factor
         * @param max the largest factor
         * @return this builder
         */
        public Builder optScale(double min, double max) {
            this.minScale = min;
            this.maxScale = max;
            return this;
        }

        /**
         * Sets the largest shift per axis as a fraction of the input side (0 for none).
         *
         * @param fraction at least 0
         * @return this builder
         */
        public Builder optShift(double fraction) {
            this.shift = fraction;
            return this;
        }

        /**
         * Sets whether half the samples are mirrored (with the scheme's point renumbering).
         *
         * @param flip whether to flip
         * @return this builder
         */
        public Builder optFlip(boolean flip) {
            this.flip = flip;
            return this;
        }

        /**
         * Sets the brightness and contrast jitter (0 for none).
         *
         * @param jitter 0..1
         * @return this builder
         */
        public Builder optJitter(double jitter) {
            this.jitter = jitter;
            return this;
        }

        /**
         * Sets the loss.
         *
         * @param loss the loss kind
         * @return this builder
         */
        public Builder optLoss(LossKind loss) {
            this.loss = Objects.requireNonNull(loss, "loss");
            return this;
        }

        /**
         * Sets the Wing loss's width {@code w} and curvature {@code ε}, in input pixels.
         *
         * @param width the width, positive
         * @param curvature the curvature, positive
         * @return this builder
         */
        public Builder optWing(float width, float curvature) {
            this.wingWidth = width;
            this.wingCurvature = curvature;
            return this;
        }

        /**
         * Sets Adam's learning rate and the rate the cosine schedule ends at (equal for a fixed
         * rate).
         *
         * @param rate the starting rate
         * @param finalRate the final rate
         * @return this builder
         */
        public Builder optLearningRate(float rate, float finalRate) {
            this.learningRate = rate;
            this.finalLearningRate = finalRate;
            return this;
        }

        /**
         * Sets the number of epochs.
         *
         * @param epochs at least 1
         * @return this builder
         */
        public Builder optEpochs(int epochs) {
            this.epochs = epochs;
            return this;
        }

        /**
         * Sets the batch size.
         *
         * @param batchSize at least 1
         * @return this builder
         */
        public Builder optBatchSize(int batchSize) {
            this.batchSize = batchSize;
            return this;
        }

        /**
         * Sets whether inputs are standardised with the training images' statistics (else {@code
         * pixel/255 − 0.5}).
         *
         * @param standardize whether to standardise
         * @return this builder
         */
        public Builder optStandardize(boolean standardize) {
            this.standardize = standardize;
            return this;
        }

        /**
         * Builds the recipe.
         *
         * @return the recipe
         * @throws IllegalArgumentException naming the value out of range
         */
        public LandmarkRecipe build() {
            if (!ModelZoo.architectures().contains(architecture)) {
                throw new IllegalArgumentException(
                        "Unknown architecture '"
                                + architecture
                                + "'; known: "
                                + ModelZoo.architectures());
            }
            check(inputSize >= 8, "inputSize must be at least 8, got " + inputSize);
            check(
                    margin >= 1 && Double.isFinite(margin),
                    "margin must be at least 1, got " + margin);
            check(context >= 0 && Double.isFinite(context), "context must be >= 0, got " + context);
            check(rotation >= 0 && rotation <= 180, "rotation must be 0..180, got " + rotation);
            check(
                    minScale > 0 && maxScale >= minScale && Double.isFinite(maxScale),
                    "scale range must be 0 < min <= max, got " + minScale + ".." + maxScale);
            check(shift >= 0 && shift < 1, "shift must be in [0, 1), got " + shift);
            check(jitter >= 0 && jitter <= 1, "jitter must be 0..1, got " + jitter);
            check(wingWidth > 0 && wingCurvature > 0, "wing width and curvature must be positive");
            check(
                    learningRate > 0 && finalLearningRate > 0 && finalLearningRate <= learningRate,
                    "learning rates must be positive with final <= starting, got "
                            + learningRate
                            + " -> "
                            + finalLearningRate);
            check(epochs >= 1, "epochs must be at least 1, got " + epochs);
            check(batchSize >= 1, "batchSize must be at least 1, got " + batchSize);
            return new LandmarkRecipe(this);
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
