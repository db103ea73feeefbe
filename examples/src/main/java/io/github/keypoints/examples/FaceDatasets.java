package io.github.keypoints.examples;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.augment.AugmentationPipeline;
import io.github.keypoints.data.dataset.FaceLandmarkDataset;
import io.github.keypoints.data.dataset.ImageCache;
import io.github.keypoints.data.preprocess.CropPolicy;
import io.github.keypoints.data.preprocess.PixelNormalization;
import io.github.keypoints.models.ModelSpec;
import java.util.List;

/**
 * Builds the training and evaluation datasets of the command line, so that {@code train} and {@code
 * evaluate} prepare a face in exactly the same way (and evaluation reproduces training's numbers).
 */
final class FaceDatasets {

    private FaceDatasets() {}

    /**
     * A grayscale dataset.
     *
     * @param cache the prepared-image cache; datasets of one run share one, so a photo is decoded
     *     once however many datasets read it
     * @param normalization how pixels become network inputs (the model's normalisation)
     * @param augmentation the augmentation, or {@code null} for none (evaluation)
     */
    static FaceLandmarkDataset of(
            List<FaceSample> samples,
            LandmarkScheme scheme,
            int width,
            int height,
            CropPolicy crop,
            PixelNormalization normalization,
            AugmentationPipeline augmentation,
            ImageCache cache,
            long seed,
            int batch) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples to train or evaluate on");
        }
        FaceLandmarkDataset.Builder b =
                FaceLandmarkDataset.builder()
                        .setSamples(samples)
                        .setInputSize(width, height)
                        .optCrop(crop)
                        .optScheme(scheme)
                        .optNormalization(normalization)
                        .optSeed(seed)
                        .optCache(cache)
                        .setSampling(batch, augmentation != null);
        if (augmentation != null) {
            b.optAugmentation(augmentation);
        }
        return b.build();
    }

    /**
     * Measures the mean and standard deviation of the (un-augmented, preprocessed) input pixels of
     * a dataset on the 0..1 scale, for a model whose inputs are standardised with the training
     * set's own statistics.
     */
    static PixelNormalization standardization(FaceLandmarkDataset data) {
        double[] ms = data.inputMeanStd();
        return PixelNormalization.meanStd(new float[] {(float) ms[0]}, new float[] {(float) ms[1]});
    }

    /** The evaluation dataset of a saved model: its input size, crop, scheme and normalisation. */
    static FaceLandmarkDataset forModel(ModelSpec spec, List<FaceSample> samples, int batch) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples to evaluate on");
        }
        return FaceLandmarkDataset.builder()
                .setSamples(samples)
                .setInputSize(spec.inputWidth(), spec.inputHeight())
                .optCrop(spec.crop())
                .optScheme(spec.landmarkScheme())
                .optNormalization(spec.normalization())
                .setSampling(batch, false)
                .build();
    }
}
