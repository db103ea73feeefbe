package io.github.keypoints.data.preprocess;

import io.github.keypoints.data.Affine;
import io.github.keypoints.data.Box;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.image.ImageFiles;
import java.util.Objects;
import java.util.Optional;
import org.opencv.core.Mat;

/**
 * Crops and resizes an original photo to the network input in one {@link Affine}, so that a point
 * predicted in input pixels returns to the original photo with {@link Affine#inverse()}.
 *
 * <p>The crop region (from the {@link CropPolicy}) is mapped onto the {@code W×H} input in the
 * pixel-centre convention: {@code x_input = (x − region.x)·W / region.width − 0.5}, and likewise
 * for y. For the whole image ({@code region.x = −0.5}) that is the familiar {@code (x + 0.5)·s −
 * 0.5}. Shrinking uses {@code INTER_AREA} (antialiased, as the reference's downscale), enlarging
 * uses bilinear interpolation; see {@link AffineWarp}.
 *
 * <p>Instances are immutable and safe to share between threads.
 * <!-- snippet-context: FaceSample sample; Keypoints predictedInInput; -->
 *
 * <pre>{@code
 * Preprocessor pre = Preprocessor.builder()
 *         .setInputSize(240, 180)
 *         .optCrop(CropPolicy.faceBox(1.3).keepingAspect())
 *         .build();
 * PreparedImage p = pre.prepare(sample);
 * Keypoints inOriginal = predictedInInput.transform(p.toOriginal());
 * }</pre>
 */
public final class Preprocessor {

    private final int width;
    private final int height;
    private final boolean grayscale;
    private final CropPolicy crop;
    private final Border border;

    private Preprocessor(Builder b) {
        this.width = b.width;
        this.height = b.height;
        this.grayscale = b.grayscale;
        this.crop = b.crop;
        this.border = b.border;
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
     * Returns the input width in pixels.
     *
     * @return the width
     */
    public int inputWidth() {
        return width;
    }

    /**
     * Returns the input height in pixels.
     *
     * @return the height
     */
    public int inputHeight() {
        return height;
    }

    /**
     * Tells whether images are decoded to one gray channel.
     *
     * @return whether the input is grayscale
     */
    public boolean grayscale() {
        return grayscale;
    }

    /**
     * Returns the crop policy.
     *
     * @return the policy
     */
    public CropPolicy crop() {
        return crop;
    }

    /**
     * Returns the border mode for regions that reach outside the photo.
     *
     * @return the border
     */
    public Border border() {
        return border;
    }

    /**
     * Returns the transform that maps a region of the original image onto the input.
     *
     * @param region the region in original pixel-centre coordinates, positive size
     * @return the original-to-input transform
     */
    public Affine toInput(Box region) {
        double sx = width / region.width();
        double sy = height / region.height();
        return Affine.translation(-region.x(), -region.y())
                .then(Affine.scaling(sx, sy))
                .then(Affine.translation(-0.5, -0.5));
    }

    /**
     * Returns the original-to-input transform for a sample in an image of the given size.
     *
     * @param sample the annotated face
     * @param imageWidth the original width
     * @param imageHeight the original height
     * @return the transform
     */
    public Affine toInput(FaceSample sample, int imageWidth, int imageHeight) {
        return toInput(crop.region(sample, imageWidth, imageHeight, (double) width / height));
    }

    /**
     * Reads the sample's image file and prepares it.
     *
     * @param sample the annotated face
     * @return the prepared image; release it
     * @throws java.io.UncheckedIOException naming the file if it cannot be read
     * @throws IllegalArgumentException naming the file if it is not a decodable image
     */
    public PreparedImage prepare(FaceSample sample) {
        Mat original = ImageFiles.read(sample.image(), grayscale);
        try {
            return prepare(sample, original);
        } finally {
            original.release();
        }
    }

    /**
     * Prepares a sample whose image is already decoded.
     *
     * @param sample the annotated face, keypoints in {@code original}'s pixels
     * @param original the decoded photo (gray or BGR, 8-bit); not released
     * @return the prepared image; release it
     */
    public PreparedImage prepare(FaceSample sample, Mat original) {
        Affine toInput = toInput(sample, original.cols(), original.rows());
        Mat image = warp(original, toInput);
        Box face = sample.faceBox(1.0);
        return new PreparedImage(
                image,
                toInput,
                sample.keypoints().transform(toInput),
                Optional.of(transformBox(face, toInput)));
    }

    /**
     * Resamples an original image into the input size with a given original-to-input transform.
     *
     * @param original the photo
     * @param toInput the transform
     * @return the new input-size image; release it
     */
    public Mat warp(Mat original, Affine toInput) {
        return AffineWarp.warp(original, toInput, width, height, border, true);
    }

    /**
     * Returns a short text identifying every parameter that changes the prepared pixels, for cache
     * keys.
     *
     * @return the description
     */
    public String describe() {
        return width
                + "x"
                + height
                + (grayscale ? ":gray" : ":bgr")
                + ":"
                + crop.describe()
                + ":"
                + border.describe();
    }

    /**
     * Returns the bounding box of a box's corners moved by a transform.
     *
     * @param box the box
     * @param t the transform
     * @return the axis-aligned bounds of the moved corners
     */
    public static Box transformBox(Box box, Affine t) {
        double[] b = AffineWarp.cornerBounds(t, box.x(), box.y(), box.right(), box.bottom());
        return new Box(b[0], b[1], b[2] - b[0], b[3] - b[1]);
    }

    @Override
    public String toString() {
        return "Preprocessor[" + describe() + "]";
    }

    /** Builds a {@link Preprocessor}; the input size is required. */
    public static final class Builder {

        private int width;
        private int height;
        private boolean grayscale = true;
        private CropPolicy crop = CropPolicy.wholeImage();
        private Border border = Border.replicate();

        private Builder() {}

        /**
         * Sets the network input size.
         *
         * @param width the input width in pixels
         * @param height the input height in pixels
         * @return this builder
         */
        public Builder setInputSize(int width, int height) {
            this.width = width;
            this.height = height;
            return this;
        }

        /**
         * Sets whether to decode images to one gray channel (default {@code true}, as the
         * reference).
         *
         * @param grayscale whether to use grayscale
         * @return this builder
         */
        public Builder optGrayscale(boolean grayscale) {
            this.grayscale = grayscale;
            return this;
        }

        /**
         * Sets the crop policy (default {@link CropPolicy#wholeImage()}).
         *
         * @param crop the policy
         * @return this builder
         */
        public Builder optCrop(CropPolicy crop) {
            this.crop = Objects.requireNonNull(crop, "crop");
            return this;
        }

        /**
         * Sets how a region reaching outside the photo is filled (default {@link
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
         * Builds the preprocessor.
         *
         * @return the preprocessor
         * @throws IllegalArgumentException if the input size is missing or not positive
         */
        public Preprocessor build() {
            if (width <= 0 || height <= 0) {
                throw new IllegalArgumentException(
                        "inputSize must be set to positive values (setInputSize), was "
                                + width
                                + "x"
                                + height);
            }
            return new Preprocessor(this);
        }
    }
}
