package io.github.keypoints.data.augment;

import io.github.keypoints.data.Affine;
import io.github.keypoints.data.Box;
import io.github.keypoints.data.preprocess.AffineWarp;
import io.github.keypoints.data.preprocess.Border;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;
import org.opencv.core.Mat;

/**
 * Applies an {@link Augmentation} to an image and its keypoints: the planned geometric operations
 * become one {@link Affine}, applied to the image with one bilinear {@code warpAffine} and to the
 * points with {@link io.github.keypoints.data.Keypoints#transform(Affine)}, so pixels and points
 * cannot disagree; then the photometric operations change the pixels.
 *
 * <p>The output image has the input's size. Immutable and thread-safe: each call plans with its own
 * {@link AugmentationPlan}; the randomness is the caller's.
 * <!-- snippet-context: ImageSample in; -->
 *
 * <pre>{@code
 * AugmentationPipeline pipeline = AugmentationPipeline.builder()
 *         .setAugmentation(Augmentation.oneOf(
 *                 Augmentation.rotation(15, Center.FACE_BOX), Augmentation.shift(10)))
 *         .optOutsidePolicy(OutsidePolicy.resample(5))
 *         .build();
 * ImageSample out = pipeline.apply(in, new SplittableRandom(42));
 * }</pre>
 */
public final class AugmentationPipeline {

    private final Augmentation augmentation;
    private final Border border;
    private final OutsidePolicy outsidePolicy;

    private AugmentationPipeline(Builder b) {
        this.augmentation = b.augmentation;
        this.border = b.border;
        this.outsidePolicy = b.outsidePolicy;
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
     * Returns the augmentation this pipeline applies.
     *
     * @return the augmentation
     */
    public Augmentation augmentation() {
        return augmentation;
    }

    /**
     * Plans one augmentation of a sample, honouring the outside-point policy, without touching
     * pixels.
     *
     * @param width the image width
     * @param height the image height
     * @param sample the image's points and face box (its {@code image} is not read)
     * @param random the source of randomness
     * @return the accepted plan
     */
    public AugmentationPlan plan(
            int width, int height, ImageSample sample, RandomGenerator random) {
        AugmentationPlan last = null;
        for (int attempt = 0; attempt <= outsidePolicy.retries(); attempt++) {
            last = new AugmentationPlan(width, height, sample.keypoints(), sample.faceBox());
            augmentation.plan(last, random);
            if (outsidePolicy.allowsOutside()
                    || OutsidePolicy.inside(last.keypoints(), width, height)) {
                return last;
            }
        }
        AugmentationPlan fallback =
                new AugmentationPlan(width, height, sample.keypoints(), sample.faceBox());
        for (PhotometricOp op : last.photometricOps()) {
            fallback.addPhotometric(op);
        }
        return fallback;
    }

    /**
     * Augments a sample.
     *
     * @param sample the image and points; not modified, not released
     * @param random the source of randomness
     * @return a new sample whose image the caller must release
     */
    public ImageSample apply(ImageSample sample, RandomGenerator random) {
        int w = sample.width();
        int h = sample.height();
        AugmentationPlan plan = plan(w, h, sample, random);
        return render(sample, plan, border);
    }

    /**
     * Carries out a plan: one warp of the image, the same transform and renumbering of the points,
     * then the photometric operations.
     *
     * @param sample the source image and points
     * @param plan the plan, made for this sample's size and points
     * @param border how pixels from outside the source are filled
     * @return a new sample whose image the caller must release
     */
    public static ImageSample render(ImageSample sample, AugmentationPlan plan, Border border) {
        Affine affine = plan.affine();
        Mat image =
                affine.equals(Affine.IDENTITY)
                        ? sample.image().clone()
                        : AffineWarp.warp(
                                sample.image(), affine, plan.width(), plan.height(), border, false);
        return finish(image, plan);
    }

    /**
     * Carries out a plan made for an image of the plan's size, reading the pixels from a larger
     * source that holds that image plus surroundings: one warp with {@code toPlan} followed by the
     * plan's affine, so pixels the plan moves into view come from the source, not the border.
     *
     * @param source the source image; not released
     * @param toPlan the transform from source pixels to the plan's image pixels
     * @param plan the plan, whose points are in the plan's image pixels
     * @param border how pixels from outside the source are filled
     * @return a new {@code plan.width()×plan.height()} sample whose image the caller must release
     */
    public static ImageSample render(
            Mat source, Affine toPlan, AugmentationPlan plan, Border border) {
        Mat image =
                AffineWarp.warp(
                        source,
                        toPlan.then(plan.affine()),
                        plan.width(),
                        plan.height(),
                        border,
                        true);
        return finish(image, plan);
    }

    private static ImageSample finish(Mat image, AugmentationPlan plan) {
        try {
            List<PhotometricOp> ops = plan.photometricOps();
            for (PhotometricOp op : ops) {
                op.apply(image);
            }
        } catch (RuntimeException e) {
            image.release();
            throw e;
        }
        Optional<Box> box = Optional.of(plan.faceBox());
        return new ImageSample(image, plan.keypoints(), box);
    }

    @Override
    public String toString() {
        return "AugmentationPipeline["
                + augmentation
                + ", "
                + border.describe()
                + ", "
                + outsidePolicy
                + "]";
    }

    /** Builds an {@link AugmentationPipeline}; the augmentation is required. */
    public static final class Builder {

        private Augmentation augmentation;
        private Border border = Border.replicate();
        private OutsidePolicy outsidePolicy = OutsidePolicy.allow();

        private Builder() {}

        /**
         * Sets the augmentation to apply.
         *
         * @param augmentation the augmentation, often an {@link Augmentation#sequence}
         * @return this builder
         */
        public Builder setAugmentation(Augmentation augmentation) {
            this.augmentation = augmentation;
            return this;
        }

        /**
         * Sets how pixels moved in from outside the image are filled (default {@link
         * Border#replicate()}).
         *
         * @param border the border mode
         * @return this builder
         */
        public Builder optBorder(Border border) {
            this.border = Objects.requireNonNull(border, "border");
            return this;
        }

        /**
         * Sets what happens when points are pushed outside the image (default {@link
         * OutsidePolicy#allow()}).
         *
         * @param policy the policy
         * @return this builder
         */
        public Builder optOutsidePolicy(OutsidePolicy policy) {
            this.outsidePolicy = Objects.requireNonNull(policy, "policy");
            return this;
        }

        /**
         * Builds the pipeline.
         *
         * @return the pipeline
         * @throws IllegalArgumentException if the augmentation is missing
         */
        public AugmentationPipeline build() {
            if (augmentation == null) {
                throw new IllegalArgumentException(
                        "augmentation must be set (setAugmentation) before build()");
            }
            return new AugmentationPipeline(this);
        }
    }
}
