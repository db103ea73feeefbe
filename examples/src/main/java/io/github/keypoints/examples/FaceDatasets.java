package io.github.keypoints.examples;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.augment.AugmentationPipeline;
import io.github.keypoints.data.dataset.FaceLandmarkDataset;
import io.github.keypoints.data.preprocess.CropPolicy;
import io.github.keypoints.models.ModelSpec;
import java.util.List;

/**
 * Builds the training and evaluation datasets of the command line, so that {@code train} and {@code
 * evaluate} prepare a face in exactly the same way (and evaluation reproduces training's numbers).
 */
final class FaceDatasets {

    private FaceDatasets() {}

    /**
     * A grayscale dataset centred to {@code [-0.5, 0.5]}, cached in memory.
     *
     * @param augmentation the augmentation, or {@code null} for none (evaluation)
     */
    static FaceLandmarkDataset of(
            List<FaceSample> samples,
            LandmarkScheme scheme,
            int width,
            int height,
            CropPolicy crop,
            AugmentationPipeline augmentation,
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
                        .optNormalization(ModelSpec.Normalization.CENTERED.toPixelNormalization())
                        .optSeed(seed)
                        .setSampling(batch, augmentation != null);
        if (augmentation != null) {
            b.optAugmentation(augmentation);
        }
        return b.build();
    }

    /** The evaluation dataset of a saved model: its input size, crop, scheme and normalisation. */
    static FaceLandmarkDataset forModel(ModelSpec spec, List<FaceSample> samples, int batch) {
        if (samples.isEmpty()) {
            throw new IllegalArgumentException("no samples to evaluate on");
        }
        return FaceLandmarkDataset.builder()
                .setSamples(samples)
                .setInputSize(spec.inputWidth(), spec.inputHeight())
                .optCrop(spec.crop().toCropPolicy())
                .optScheme(spec.landmarkScheme())
                .optNormalization(spec.normalization().toPixelNormalization())
                .setSampling(batch, false)
                .build();
    }
}
