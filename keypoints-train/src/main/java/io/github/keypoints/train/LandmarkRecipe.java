package io.github.keypoints.train;

import ai.djl.training.loss.Loss;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.augment.Augmentation;
import io.github.keypoints.data.augment.AugmentationPipeline;
import io.github.keypoints.data.augment.Center;
import io.github.keypoints.data.dataset.FaceLandmarkDataset;
import io.github.keypoints.data.dataset.ImageCache;
import io.github.keypoints.data.load.DatasetFormat;
import io.github.keypoints.data.preprocess.CropPolicy;
import io.github.keypoints.data.preprocess.PixelNormalization;
import io.github.keypoints.models.HeatmapNet;
import io.github.keypoints.models.Imm58Net;
import io.github.keypoints.models.KeypointBlock;
import io.github.keypoints.models.ModelSpec;
import io.github.keypoints.models.ModelZoo;
import io.github.keypoints.models.NoseTipNet;
import io.github.keypoints.models.ResNet18;
import io.github.keypoints.models.TorchDefaultInitializer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A training recipe: network, points, input, crop, augmentation, loss, schedule and budget, in one
 * immutable object that builds the datasets, the network, the loss and the model spec of a run the
 * same way every time. The command line, the demo and the tutorials all start from one of these.
 *
 * <p>The recipes of the project:
 *
 * <ul>
 *   <li>{@link #noseTip()}: the reference project's Part 1, the nose tip (IMM point 52) from the
 *       whole photo in gray at 80×60, {@link NoseTipNet}, MSE, Adam 1e-3, batch 15, 25 epochs.
 *   <li>{@link #imm58Reference()}: the reference's Part 2, all 58 IMM points with {@link Imm58Net}
 *       at 120×90 with the reference augmentation, MSE, Adam 1e-3, batch 32, 70 epochs (the floor
 *       of {@code docs/training.md}).
 *   <li>{@link #imm58Improved()}: the same network and augmentation with the improvements {@code
 *       docs/training.md} measured: inputs standardised with the training images' statistics, Wing
 *       loss, a cosine schedule to 1e-5; 80 epochs. The demo trains it.
 *   <li>{@link #ibug68()}: the library's default 68-point landmarker, chosen by the ablation in
 *       {@code docs/results-300w.md}: a {@link HeatmapNet} (U-Net, 32 base channels, one 16×16
 *       heatmap per point at a 64×64 face crop, decoded by soft-argmax, the integral regression of
 *       <a href="https://arxiv.org/abs/1711.08229">Sun et al., 2018</a>) trained with Wing loss on
 *       the decoded coordinates, Adam 1e-3 with a cosine schedule to 1e-5 over 200 epochs,
 *       standardised input and keypoint-safe augmentation.
 *   <li>{@link #ibug68Small()}: the same with 16 base channels, a quarter of the parameters, for a
 *       faster landmarker.
 *   <li>{@link #reference(String)}: the nose-tip recipe's training with any network at the input it
 *       was designed for (what {@code keypoints train --model NAME} trains).
 * </ul>
 *
 * Change any part through {@link #toBuilder()}:
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
 * <p>Face-crop recipes crop the box of the face grown by {@link #margin()}, made to the input's
 * aspect; the image cache keeps {@link #context()} of the surroundings so that rotation, scaling
 * and shifting show real pixels. The reference recipes use the whole photo. Augmentation, when on,
 * is laid out as {@link AugmentationLayout} says: rotation, scaling, a shift (the "box jitter" that
 * teaches a network to tolerate a face finder's box), a mirror of half the samples with the
 * scheme's point renumbering, and brightness/contrast jitter.
 */
public final class LandmarkRecipe {

    /** The losses a recipe can train with. */
    public enum LossKind {
        /** {@link WingLoss} with the recipe's width and curvature, in input pixels. */
        WING,
        /** Mean squared error on input-relative coordinates ({@link MseLoss}, mean reduction). */
        MSE,
        /** Squared error summed per image and averaged over the batch ({@link MseLoss}, sum). */
        MSE_SUM,
        /** Mean absolute error ({@link L1KeypointLoss}). */
        L1
    }

    /**
     * Where an augmentation's geometric steps turn and in which order its steps draw their random
     * numbers (the order is part of a run: the same seed gives the same samples only in the same
     * order).
     */
    public enum AugmentationLayout {
        /**
         * The reference project's, for whole photos: rotation and scaling about the image centre,
         * shift, brightness/contrast jitter, then a mirror of half the photos.
         */
        WHOLE_IMAGE,
        /**
         * For face crops: rotation and scaling about the centre of the face box, shift of the box,
         * a mirror of half the faces, then brightness/contrast jitter.
         */
        FACE_CROP
    }

    /**
     * The crop of a whole-image recipe on data that is not the IMM set: the face box grown by 1.3,
     * keeping the input's aspect (see {@link #forFormat}).
     */
    public static final CropPolicy IN_THE_WILD_CROP = CropPolicy.faceBox(1.3).keepingAspect();

    private static final double REFERENCE_SHIFT = 10.0 / 240.0;

    private final String architecture;
    private final Map<String, Object> architectureConfig;
    private final LandmarkScheme scheme;
    private final int inputWidth;
    private final int inputHeight;
    private final CropPolicy crop;
    private final double context;
    private final boolean augment;
    private final AugmentationLayout layout;
    private final double rotation;
    private final double minScale;
    private final double maxScale;
    private final double shift;
    private final boolean flip;
    private final double jitter;
    private final LossKind loss;
    private final float wingWidth;
    private final float wingCurvature;
    private final LearningRateSchedule schedule;
    private final int epochs;
    private final int batchSize;
    private final boolean standardize;

    private LandmarkRecipe(Builder b, CropPolicy crop, LearningRateSchedule schedule) {
        this.architecture = b.architecture;
        this.architectureConfig = Map.copyOf(b.architectureConfig);
        this.scheme = b.scheme;
        this.inputWidth = b.inputWidth;
        this.inputHeight = b.inputHeight;
        this.crop = crop;
        this.context = b.context;
        this.augment = b.augment;
        this.layout = b.layout;
        this.rotation = b.rotation;
        this.minScale = b.minScale;
        this.maxScale = b.maxScale;
        this.shift = b.shift;
        this.flip = b.flip;
        this.jitter = b.jitter;
        this.loss = b.loss;
        this.wingWidth = b.wingWidth;
        this.wingCurvature = b.wingCurvature;
        this.schedule = schedule;
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
     * Returns the small 68-point recipe: {@link #ibug68()} with a heatmap network of 16 base
     * channels instead of 32 (445,844 trainable parameters instead of 1,771,748), for a faster
     * landmarker at some cost in accuracy ({@code docs/results-300w.md} measures both).
     *
     * @return the recipe
     */
    public static LandmarkRecipe ibug68Small() {
        Map<String, Object> config = new LinkedHashMap<>(ibug68().architectureConfig);
        config.put("baseChannels", 16);
        return ibug68().toBuilder().optArchitecture(HeatmapNet.NAME, config).build();
    }

    /**
     * Returns the reference project's Part 1 training for a network: the whole photo in gray at the
     * input the network was designed for (nose-tip 80×60, imm58 240×180, resnet18 224×224, any
     * other 128×96), no augmentation (its settings, for when it is switched on: the reference's
     * rotation ±15° about the image centre, shift ±10 px at 240 wide, jitter ±0.2, mirror), MSE,
     * Adam 1e-3 at a fixed rate, batch 15, 25 epochs, inputs {@code pixel/255 − 0.5}. The nose-tip
     * network predicts {@link LandmarkScheme#NOSE_TIP}; any other predicts the data's own points.
     *
     * @param architecture a name from {@link ModelZoo#architectures()}
     * @return the recipe
     * @throws IllegalArgumentException naming the known architectures if the name is unknown
     */
    public static LandmarkRecipe reference(String architecture) {
        int[] input =
                switch (architecture) {
                    case NoseTipNet.NAME -> new int[] {80, 60};
                    case Imm58Net.NAME -> new int[] {240, 180};
                    case ResNet18.NAME -> new int[] {224, 224};
                    default -> new int[] {128, 96};
                };
        return new Builder()
                .optArchitecture(architecture, Map.of())
                .optScheme(NoseTipNet.NAME.equals(architecture) ? LandmarkScheme.NOSE_TIP : null)
                .optInputSize(input[0], input[1])
                .optCrop(CropPolicy.wholeImage())
                .optContext(0)
                .optAugment(false)
                .optAugmentationLayout(AugmentationLayout.WHOLE_IMAGE)
                .optRotation(15)
                .optScale(1, 1)
                .optShift(REFERENCE_SHIFT)
                .optFlip(true)
                .optJitter(0.2)
                .optLoss(LossKind.MSE)
                .optLearningRate(1e-3f, 1e-3f)
                .optBatchSize(15)
                .optEpochs(25)
                .optStandardize(false)
                .build();
    }

    /**
     * Returns the reference project's nose-tip recipe (Part 1): {@link #reference(String)} with
     * {@link NoseTipNet}, predicting IMM point 52 from the whole photo at 80×60.
     *
     * @return the recipe
     */
    public static LandmarkRecipe noseTip() {
        return reference(NoseTipNet.NAME);
    }

    /**
     * Returns the reference project's 58-point recipe (Part 2, the floor of {@code
     * docs/training.md}): {@link Imm58Net} on the whole photo at 120×90 with the reference
     * augmentation on (rotation ±15° about the image centre, shift ±5 px, brightness and contrast
     * ±0.2, mirror with probability ½), MSE, Adam 1e-3 fixed, batch 32, 70 epochs, inputs {@code
     * pixel/255 − 0.5}.
     *
     * @return the recipe
     */
    public static LandmarkRecipe imm58Reference() {
        return reference(Imm58Net.NAME).toBuilder()
                .optInputSize(120, 90)
                .optAugment(true)
                .optBatchSize(32)
                .optEpochs(70)
                .build();
    }

    /**
     * Returns the improved 58-point recipe the demo trains: {@link #imm58Reference()} with inputs
     * standardised with the training images' mean and deviation, Wing loss (w = 10, ε = 2 input
     * pixels), Adam 1e-3 annealed by a cosine to 1e-5, and 80 epochs.
     *
     * @return the recipe
     */
    public static LandmarkRecipe imm58Improved() {
        return imm58Reference().toBuilder()
                .optStandardize(true)
                .optLoss(LossKind.WING)
                .optWing(10f, 2f)
                .optLearningRate(1e-3f, 1e-5f)
                .optEpochs(80)
                .build();
    }

    /**
     * Returns a named recipe: {@code nose-tip} ({@link #noseTip()}), {@code imm58-reference}
     * ({@link #imm58Reference()}), {@code imm58-improved} ({@link #imm58Improved()}), {@code
     * ibug68} ({@link #ibug68()}) or {@code ibug68-small} ({@link #ibug68Small()}).
     *
     * @param name one of {@link #names()}
     * @return the recipe
     * @throws IllegalArgumentException naming the known recipes if the name is unknown
     */
    public static LandmarkRecipe named(String name) {
        return switch (name) {
            case "nose-tip" -> noseTip();
            case "imm58-reference" -> imm58Reference();
            case "imm58-improved" -> imm58Improved();
            case "ibug68" -> ibug68();
            case "ibug68-small" -> ibug68Small();
            default ->
                    throw new IllegalArgumentException(
                            "Unknown recipe '" + name + "'; known: " + names());
        };
    }

    /**
     * Returns the names {@link #named(String)} knows.
     *
     * @return the names
     */
    public static List<String> names() {
        return List.of("nose-tip", "imm58-reference", "imm58-improved", "ibug68", "ibug68-small");
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
     * Returns this recipe for photos of a format. A whole-image recipe is made for the IMM set's
     * one-face 640×480 portraits; on any other data it crops each face to {@link #IN_THE_WILD_CROP}
     * instead. Other recipes are returned as they are.
     *
     * @param format the format of the data
     * @return the recipe for that data
     */
    public LandmarkRecipe forFormat(DatasetFormat format) {
        if (format == DatasetFormat.IMM || crop.kind() != CropPolicy.Kind.WHOLE_IMAGE) {
            return this;
        }
        return toBuilder().optCrop(IN_THE_WILD_CROP).build();
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
     * Returns the builder parameters the recipe gives its network, such as {@code baseChannels} and
     * {@code outputStride} for the heatmap network; the network's own defaults fill the rest.
     *
     * @return an immutable map
     */
    public Map<String, Object> architectureConfig() {
        return architectureConfig;
    }

    /**
     * Returns the points the network predicts, or empty when it predicts the data's own points.
     *
     * @return the scheme
     */
    public Optional<LandmarkScheme> scheme() {
        return Optional.ofNullable(scheme);
    }

    /**
     * Returns the input width in pixels.
     *
     * @return the width
     */
    public int inputWidth() {
        return inputWidth;
    }

    /**
     * Returns the input height in pixels.
     *
     * @return the height
     */
    public int inputHeight() {
        return inputHeight;
    }

    /**
     * Returns the growth factor of the crop's box (1 for a whole-image recipe).
     *
     * @return the factor
     */
    public double margin() {
        return crop.factor();
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
        return schedule.baseRate();
    }

    /**
     * Returns the learning rate the schedule ends at (equal to the starting rate for a fixed rate).
     *
     * @return the rate
     */
    public float finalLearningRate() {
        return schedule.finalRate();
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
     * Tells whether the training augmentation is switched on ({@link #augmentation()} is then the
     * pipeline, unless every part of it is zero).
     *
     * @return whether to augment
     */
    public boolean augments() {
        return augment;
    }

    /**
     * Returns the largest rotation of the augmentation, in degrees.
     *
     * @return the angle
     */
    public double rotation() {
        return rotation;
    }

    /**
     * Returns the largest shift of the augmentation per axis, as a fraction of the input width.
     *
     * @return the fraction
     */
    public double shift() {
        return shift;
    }

    /**
     * Returns the brightness and contrast jitter of the augmentation.
     *
     * @return the jitter, 0..1
     */
    public double jitter() {
        return jitter;
    }

    /**
     * Tells whether the augmentation mirrors half the samples.
     *
     * @return whether to flip
     */
    public boolean flips() {
        return flip;
    }

    /**
     * Returns the kind of loss.
     *
     * @return the loss kind
     */
    public LossKind lossKind() {
        return loss;
    }

    /**
     * Returns the crop policy of training and inference.
     *
     * @return the policy
     */
    public CropPolicy crop() {
        return crop;
    }

    /**
     * Returns the training augmentation, or {@code null} when it is off or every part is zero.
     *
     * @return the pipeline or {@code null}
     */
    public AugmentationPipeline augmentation() {
        if (!augment) {
            return null;
        }
        Center center = layout == AugmentationLayout.WHOLE_IMAGE ? Center.IMAGE : Center.FACE_BOX;
        List<Augmentation> steps = new ArrayList<>();
        if (rotation > 0) {
            steps.add(Augmentation.rotation(rotation, center));
        }
        if (minScale != 1 || maxScale != 1) {
            steps.add(Augmentation.scale(minScale, maxScale, center));
        }
        if (shift > 0) {
            steps.add(Augmentation.shift(shift * inputWidth));
        }
        Augmentation mirror = Augmentation.withProbability(0.5, Augmentation.horizontalFlip());
        Augmentation light = Augmentation.colorJitter(jitter, jitter);
        if (layout == AugmentationLayout.WHOLE_IMAGE) {
            addIf(steps, jitter > 0, light);
            addIf(steps, flip, mirror);
        } else {
            addIf(steps, flip, mirror);
            addIf(steps, jitter > 0, light);
        }
        if (steps.isEmpty()) {
            return null;
        }
        return AugmentationPipeline.builder()
                .setAugmentation(Augmentation.sequence(steps.toArray(new Augmentation[0])))
                .build();
    }

    private static void addIf(List<Augmentation> steps, boolean on, Augmentation step) {
        if (on) {
            steps.add(step);
        }
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
                            .optScale(inputWidth)
                            .build();
            case MSE -> new MseLoss(MseLoss.Reduction.MEAN);
            case MSE_SUM -> new MseLoss(MseLoss.Reduction.SUM);
            case L1 -> new L1KeypointLoss();
        };
    }

    /**
     * Returns the learning-rate schedule.
     *
     * @return the schedule
     */
    public LearningRateSchedule schedule() {
        return schedule;
    }

    /**
     * Returns a trainer builder set up by this recipe: the network and data, and the recipe's
     * epochs, batch size, loss and schedule, so none of them is stated twice, and the recipe itself
     * for the run's provenance. The caller adds the rest (engine, seed, run directory, model spec,
     * listeners) and may override any of these.
     *
     * @param block the network, typically {@link #newBlock}
     * @param train the training data, typically {@link #trainingSet}
     * @param validation the validation data, typically {@link #evaluationSet}
     * @return a new builder
     */
    public KeypointTrainer.Builder trainer(
            ai.djl.nn.Block block,
            ai.djl.training.dataset.RandomAccessDataset train,
            ai.djl.training.dataset.RandomAccessDataset validation) {
        return KeypointTrainer.builder()
                .setBlock(block)
                .setTrainingData(train)
                .setValidationData(validation)
                .setEpochs(epochs)
                .setBatchSize(batchSize)
                .optLoss(loss())
                .optSchedule(schedule)
                .optRecipe(this);
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
                        .setInputSize(inputWidth, inputHeight)
                        .optCrop(crop)
                        .optContext(keep)
                        .optSeed(seed)
                        .optCache(cache)
                        .setSampling(batchSize, shuffle);
        if (scheme != null) {
            b.optScheme(scheme);
        }
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
                .setInputSize(inputWidth, inputHeight)
                .optCrop(crop)
                .optNormalization(normalization)
                .optEngine(engine)
                .optProvenance(p)
                .build();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LandmarkRecipe r
                && architecture.equals(r.architecture)
                && architectureConfig.equals(r.architectureConfig)
                && Objects.equals(scheme, r.scheme)
                && inputWidth == r.inputWidth
                && inputHeight == r.inputHeight
                && crop.equals(r.crop)
                && context == r.context
                && augment == r.augment
                && layout == r.layout
                && rotation == r.rotation
                && minScale == r.minScale
                && maxScale == r.maxScale
                && shift == r.shift
                && flip == r.flip
                && jitter == r.jitter
                && loss == r.loss
                && wingWidth == r.wingWidth
                && wingCurvature == r.wingCurvature
                && schedule.equals(r.schedule)
                && epochs == r.epochs
                && batchSize == r.batchSize
                && standardize == r.standardize;
    }

    @Override
    public int hashCode() {
        return Objects.hash(architecture, inputWidth, inputHeight, crop, schedule, epochs);
    }

    @Override
    public String toString() {
        String cropText =
                switch (crop.kind()) {
                    case WHOLE_IMAGE -> "whole image";
                    case FACE_BOX -> String.format(Locale.ROOT, "crop face box x%.2f", margin());
                    case POINTS_BOX ->
                            String.format(Locale.ROOT, "crop points box x%.2f", margin());
                };
        String augmentText =
                String.format(
                        Locale.ROOT,
                        "augmentation%s: rotate %.0f deg, scale %.2f-%.2f, shift %.3f, flip %s,"
                                + " jitter %.2f (%s)",
                        augment ? "" : " off",
                        rotation,
                        minScale,
                        maxScale,
                        shift,
                        flip ? "on" : "off",
                        jitter,
                        layout.name().toLowerCase(Locale.ROOT).replace('_', ' '));
        String lossText =
                loss == LossKind.WING
                        ? String.format(
                                Locale.ROOT, "wing(w=%.1f, eps=%.1f)", wingWidth, wingCurvature)
                        : loss.name().toLowerCase(Locale.ROOT).replace('_', '-');
        return String.format(
                Locale.ROOT,
                "%s %s%s, %dx%d, %s, context %.2f; %s; loss %s; Adam %.0e%s, batch %d, %d epochs,"
                        + " %s input",
                architecture,
                architectureConfig,
                scheme == null ? "" : " (" + scheme.name() + ")",
                inputWidth,
                inputHeight,
                cropText,
                context,
                augmentText,
                lossText,
                learningRate(),
                scheduleText(),
                batchSize,
                epochs,
                standardize ? "standardised" : "centred");
    }

    private String scheduleText() {
        if (schedule.equals(LearningRateSchedule.fixed(learningRate()))) {
            return " fixed";
        }
        if (schedule.equals(LearningRateSchedule.cosine(learningRate(), finalLearningRate()))) {
            return String.format(Locale.ROOT, " cosine to %.0e", finalLearningRate());
        }
        return " " + schedule;
    }

    /** Builds a {@link LandmarkRecipe}; every value starts at the default 68-point recipe's. */
    public static final class Builder {
        private String architecture = HeatmapNet.NAME;
        private Map<String, Object> architectureConfig =
                Map.of("baseChannels", 32, "outputStride", 4);
        private LandmarkScheme scheme;
        private int inputWidth = 64;
        private int inputHeight = 64;
        private CropPolicy crop = CropPolicy.faceBox(1.2).keepingAspect();
        private double margin = 1.2;
        private double context = 0.25;
        private boolean augment = true;
        private AugmentationLayout layout = AugmentationLayout.FACE_CROP;
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
        private LearningRateSchedule schedule;
        private int epochs = 200;
        private int batchSize = 32;
        private boolean standardize = true;

        private Builder() {}

        private Builder(LandmarkRecipe r) {
            architecture = r.architecture;
            architectureConfig = r.architectureConfig;
            scheme = r.scheme;
            inputWidth = r.inputWidth;
            inputHeight = r.inputHeight;
            crop = r.crop;
            context = r.context;
            augment = r.augment;
            layout = r.layout;
            rotation = r.rotation;
            minScale = r.minScale;
            maxScale = r.maxScale;
            shift = r.shift;
            flip = r.flip;
            jitter = r.jitter;
            loss = r.loss;
            wingWidth = r.wingWidth;
            wingCurvature = r.wingCurvature;
            learningRate = r.learningRate();
            finalLearningRate = r.finalLearningRate();
            schedule = r.schedule;
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
         * Sets the points the network predicts, derived from the data's (such as {@link
         * LandmarkScheme#NOSE_TIP} from IMM's 58); {@code null} predicts the data's own points.
         *
         * @param scheme the scheme, or {@code null}
         * @return this builder
         */
        public Builder optScheme(LandmarkScheme scheme) {
            this.scheme = scheme;
            return this;
        }

        /**
         * Sets a square input side.
         *
         * @param side the side in pixels, at least 8
         * @return this builder
         */
        public Builder optInputSize(int side) {
            return optInputSize(side, side);
        }

        /**
         * Sets the input size.
         *
         * @param width the width in pixels, at least 8
         * @param height the height in pixels, at least 8
         * @return this builder
         */
        public Builder optInputSize(int width, int height) {
            this.inputWidth = width;
            this.inputHeight = height;
            return this;
        }

        /**
         * Sets the crop to the face box grown by a margin, made to the input's aspect.
         *
         * @param margin at least 1
         * @return this builder
         */
        public Builder optMargin(double margin) {
            this.margin = margin;
            this.crop = null;
            return this;
        }

        /**
         * Sets the crop policy (see {@link CropPolicy}), such as {@link CropPolicy#wholeImage()}.
         *
         * @param crop the policy
         * @return this builder
         */
        public Builder optCrop(CropPolicy crop) {
            this.crop = Objects.requireNonNull(crop, "crop");
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
         * Switches the training augmentation on or off; its settings are kept either way.
         *
         * @param augment whether to augment
         * @return this builder
         */
        public Builder optAugment(boolean augment) {
            this.augment = augment;
            return this;
        }

        /**
         * Sets the centre and order of the augmentation's steps.
         *
         * @param layout the layout
         * @return this builder
         */
        public Builder optAugmentationLayout(AugmentationLayout layout) {
            this.layout = Objects.requireNonNull(layout, "layout");
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
         * Sets the scaling range about the centre ({@code 1, 1} for none).
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
         * Sets the largest shift per axis as a fraction of the input width (0 for none).
         *
         * @param fraction at least 0, below 1
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
         * Sets Adam's learning rate and the rate a cosine schedule ends at (equal for a fixed
         * rate).
         *
         * @param rate the starting rate
         * @param finalRate the final rate
         * @return this builder
         */
        public Builder optLearningRate(float rate, float finalRate) {
            this.learningRate = rate;
            this.finalLearningRate = finalRate;
            this.schedule = null;
            return this;
        }

        /**
         * Sets any learning-rate schedule, such as {@link LearningRateSchedule#multiStep}.
         *
         * @param schedule the schedule
         * @return this builder
         */
        public Builder optSchedule(LearningRateSchedule schedule) {
            this.schedule = Objects.requireNonNull(schedule, "schedule");
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
            check(
                    inputWidth >= 8 && inputHeight >= 8,
                    "inputSize must be at least 8x8, got " + inputWidth + "x" + inputHeight);
            if (crop == null) {
                check(
                        margin >= 1 && Double.isFinite(margin),
                        "margin must be at least 1, got " + margin);
            }
            CropPolicy c = crop != null ? crop : CropPolicy.faceBox(margin).keepingAspect();
            check(context >= 0 && Double.isFinite(context), "context must be >= 0, got " + context);
            check(rotation >= 0 && rotation <= 180, "rotation must be 0..180, got " + rotation);
            check(
                    minScale > 0 && maxScale >= minScale && Double.isFinite(maxScale),
                    "scale range must be 0 < min <= max, got " + minScale + ".." + maxScale);
            check(shift >= 0 && shift < 1, "shift must be in [0, 1), got " + shift);
            check(jitter >= 0 && jitter <= 1, "jitter must be 0..1, got " + jitter);
            check(wingWidth > 0 && wingCurvature > 0, "wing width and curvature must be positive");
            LearningRateSchedule s = schedule;
            if (s == null) {
                check(
                        learningRate > 0
                                && finalLearningRate > 0
                                && finalLearningRate <= learningRate,
                        "learning rates must be positive with final <= starting, got "
                                + learningRate
                                + " -> "
                                + finalLearningRate);
                s =
                        finalLearningRate == learningRate
                                ? LearningRateSchedule.fixed(learningRate)
                                : LearningRateSchedule.cosine(learningRate, finalLearningRate);
            }
            check(epochs >= 1, "epochs must be at least 1, got " + epochs);
            check(batchSize >= 1, "batchSize must be at least 1, got " + batchSize);
            return new LandmarkRecipe(this, c, s);
        }

        private static void check(boolean ok, String message) {
            if (!ok) {
                throw new IllegalArgumentException(message);
            }
        }
    }
}
