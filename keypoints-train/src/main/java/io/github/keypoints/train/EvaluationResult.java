package io.github.keypoints.train;

import io.github.keypoints.data.Keypoints;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Landmark errors of a dataset in original-image pixels (see {@link LandmarkErrors} for the
 * definitions).
 *
 * @param count the number of samples
 * @param meanPx mean point error in pixels
 * @param maePx Kaggle-style mean absolute coordinate error in pixels
 * @param nme mean point error over the normaliser distance, as a fraction; {@code NaN} for schemes
 *     without normaliser points
 * @param groupMeanPx mean point error per point group
 * @param samples per-sample errors with truth and prediction, in dataset order
 */
public record EvaluationResult(
        int count,
        double meanPx,
        double maePx,
        double nme,
        Map<String, Double> groupMeanPx,
        List<SampleError> samples) {

    /**
     * Copies the collections.
     *
     * @param count the number of samples
     * @param meanPx mean point error in pixels
     * @param maePx Kaggle-style mean absolute coordinate error in pixels
     * @param nme mean point error over the normaliser distance, as a fraction; {@code NaN} for
     *     schemes without normaliser points
     * @param groupMeanPx mean point error per point group
     * @param samples per-sample errors with truth and prediction, in dataset order
     */
    public EvaluationResult {
        groupMeanPx = Map.copyOf(groupMeanPx);
        samples = List.copyOf(samples);
    }

    /**
     * Returns the samples sorted from the smallest to the largest mean point error.
     *
     * @return a new list
     */
    public List<SampleError> byError() {
        return samples.stream().sorted(Comparator.comparingDouble(SampleError::meanPx)).toList();
    }

    /**
     * The error of one sample.
     *
     * @param id the sample id
     * @param index the index in its dataset
     * @param meanPx its mean point error in pixels
     * @param nme its NME, or {@code NaN}
     * @param truth the ground truth in original pixels
     * @param predicted the prediction in original pixels
     */
    public record SampleError(
            String id,
            int index,
            double meanPx,
            double nme,
            Keypoints truth,
            Keypoints predicted) {}
}
