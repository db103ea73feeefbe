package io.github.keypoints.examples;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.dataset.FaceLandmarkDataset;
import io.github.keypoints.models.ModelSpec;
import java.util.List;

/**
 * Builds the evaluation dataset of a saved model from its spec, so that {@code evaluate} prepares a
 * face exactly as the model's recipe did in training (and reproduces training's numbers).
 */
final class FaceDatasets {

    private FaceDatasets() {}

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
