package io.github.keypoints.models.inference;

import ai.djl.modality.cv.Image;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import io.github.keypoints.data.detect.CascadeFaceFinder;
import io.github.keypoints.data.detect.FaceFinder;
import io.github.keypoints.data.image.BufferedImages;
import io.github.keypoints.data.image.OpenCv;
import io.github.keypoints.models.ModelSpec;
import java.awt.image.BufferedImage;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.imgproc.Imgproc;

/**
 * The DJL {@link Translator} of a saved keypoint model: a DJL {@link Image} in, every face in it
 * landmarked out ({@link FaceLandmarks}, in the image's pixels).
 *
 * <p>Everything about the input comes from the model's {@link ModelSpec}: each face region is
 * cropped, resized and normalised exactly as the training data was. Faces come from a {@link
 * FaceFinder} (the bundled cascade unless {@link Builder#optFaceFinder} gives another), or the
 * whole image is the region for models trained on whole images. A found box is only an estimate of
 * the box the model was trained on, so each found face is predicted again on the tight box of its
 * first prediction ({@link Builder#optRefinement(int)}, once by default); test-time flip averaging
 * is available with {@link Builder#optFlipAverage(boolean)}.
 *
 * <p>{@code Predictor.batchPredict} runs one forward pass for all faces of all images of the batch
 * (plus one per refinement pass), whatever the number of faces per image. Tensors live in the
 * predictor context's manager, so repeated predictions hold no native memory. A translator keeps no
 * state between calls and can serve any number of predictors.
 *
 * <p>The usual way to get one is DJL's {@code Criteria}, through {@link
 * FaceLandmarkTranslatorFactory}; the model directory's {@code serving.properties} supplies the
 * rest (the engine it was trained on, unless {@code optEngine} names another, and the block):
 *
 * <pre>{@code
 * Criteria<Image, FaceLandmarks> criteria = Criteria.builder()
 *         .setTypes(Image.class, FaceLandmarks.class)
 *         .optModelPath(Path.of("runs/300w/best"))
 *         .optEngine("PyTorch")
 *         .optTranslatorFactory(new FaceLandmarkTranslatorFactory())
 *         .build();
 * try (ZooModel<Image, FaceLandmarks> model = criteria.loadModel();
 *         Predictor<Image, FaceLandmarks> predictor = model.newPredictor()) {
 *     Image photo = ImageFactory.getInstance().fromFile(Path.of("photo.jpg"));
 *     for (Detection face : predictor.predict(photo).faces()) {
 *         System.out.println(face.box() + " " + face.keypoints());
 *     }
 * }
 * }</pre>
 */
public final class FaceLandmarkTranslator extends PipelineTranslator<Image> {

    private FaceLandmarkTranslator(LandmarkPipeline pipeline) {
        super(pipeline);
    }

    /**
     * Returns a builder for a model's translator.
     *
     * @param spec the spec of the model the translator feeds ({@code KeypointModel.readSpec})
     * @return a new builder
     */
    public static Builder builder(ModelSpec spec) {
        return new Builder(spec);
    }

    /**
     * Returns the spec whose preparation this translator applies.
     *
     * @return the spec
     */
    public ModelSpec spec() {
        return pipeline().spec();
    }

    @Override
    LandmarkPipeline.Request request(TranslatorContext ctx, Image input, int index) {
        return new LandmarkPipeline.Request(
                toMat(input, ctx.getNDManager()), null, true, true, "image " + index + ": ");
    }

    @Override
    public String toString() {
        return "FaceLandmarkTranslator[" + pipeline() + "]";
    }

    /**
     * Copies a DJL image into a new 8-bit BGR (or gray) {@code Mat}: AWT images directly, any other
     * kind through its RGB tensor.
     */
    static Mat toMat(Image image, NDManager manager) {
        Object wrapped = image.getWrappedImage();
        if (wrapped instanceof BufferedImage b) {
            return BufferedImages.toMat(b);
        }
        OpenCv.load();
        try (NDArray rgb = image.toNDArray(manager, Image.Flag.COLOR)) {
            Mat m = new Mat(image.getHeight(), image.getWidth(), CvType.CV_8UC3);
            m.put(0, 0, rgb.toByteArray());
            Imgproc.cvtColor(m, m, Imgproc.COLOR_RGB2BGR);
            return m;
        }
    }

    /** Builds a {@link FaceLandmarkTranslator}; every option has a default. */
    public static final class Builder {
        private final ModelSpec spec;
        private FaceFinder finder;
        private Boolean wholeImage;
        private boolean flipAverage;
        private int refinement = 1;

        private Builder(ModelSpec spec) {
            this.spec = java.util.Objects.requireNonNull(spec, "spec");
        }

        /**
         * Sets the face finder (default: a {@link CascadeFaceFinder} with the bundled cascade,
         * built on first use).
         *
         * @param finder the finder
         * @return this builder
         */
        public Builder optFaceFinder(FaceFinder finder) {
            this.finder = finder;
            return this;
        }

        /**
         * Sets whether the whole image is the one face region instead of the finder's faces
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
         * the mirrored prediction, flipped back through the scheme's permutation, is averaged in.
         * The model's {@link io.github.keypoints.models.ModelSpec#flipOffsetX()} is then added to
         * the averaged {@code x} (0 unless fitted with {@link FlipOffsetFit}). It costs a second
         * network input per face.
         *
         * @param flipAverage whether to average with the mirror
         * @return this builder
         */
        public Builder optFlipAverage(boolean flipAverage) {
            this.flipAverage = flipAverage;
            return this;
        }

        /**
         * Sets how many times a found face is predicted again on the tight box of the previous
         * prediction (default 1; 0 keeps the first prediction). Given boxes and whole images are
         * used as they are.
         *
         * @param passes at least 0
         * @return this builder
         */
        public Builder optRefinement(int passes) {
            this.refinement = passes;
            return this;
        }

        /**
         * Builds the translator.
         *
         * @return the translator
         * @throws IllegalArgumentException if the refinement is negative
         */
        public FaceLandmarkTranslator build() {
            return new FaceLandmarkTranslator(
                    new LandmarkPipeline(spec, finder, wholeImage, flipAverage, refinement));
        }
    }
}
