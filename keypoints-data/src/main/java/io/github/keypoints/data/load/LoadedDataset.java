package io.github.keypoints.data.load;

import io.github.keypoints.data.FaceSample;
import java.util.List;

/**
 * The result of a dataset load: the samples, in a stable order, and every sample that was skipped.
 *
 * @param samples the valid samples (one per annotated face)
 * @param skipped the skipped samples with their reasons; always empty after a strict load
 * @param ignoredBoxes imglab boxes marked {@code ignore='1'}, left out on purpose (0 for other
 *     formats)
 */
public record LoadedDataset(
        List<FaceSample> samples, List<SkippedSample> skipped, int ignoredBoxes) {

    /**
     * Copies the lists.
     *
     * @param samples see the record description
     * @param skipped see the record description
     * @param ignoredBoxes see the record description
     */
    public LoadedDataset {
        samples = List.copyOf(samples);
        skipped = List.copyOf(skipped);
        if (ignoredBoxes < 0) {
            throw new IllegalArgumentException("ignoredBoxes must be >= 0, was " + ignoredBoxes);
        }
    }
}
