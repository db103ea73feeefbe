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
     * Returns the systematic horizontal offset: the mean over samples of {@link
     * SampleError#meanDxPx()}, prediction minus truth. A model that is right on average gives about
     * 0; a constant left or right shift of its predictions (or of the labels, such as a one-based
     * annotation read as zero-based) shows here while the mean point error hides it among the
     * random errors.
     *
     * @return the mean signed x error in pixels, {@code NaN} without samples that carry points
     */
    public double meanDxPx() {
        return meanOf(true);
    }

    /**
     * Returns the systematic vertical offset: the mean over samples of {@link
     * SampleError#meanDyPx()}, prediction minus truth.
     *
     * @return the mean signed y error in pixels, {@code NaN} without samples that carry points
     */
    public double meanDyPx() {
        return meanOf(false);
    }

    private double meanOf(boolean x) {
        double sum = 0;
        int n = 0;
        for (SampleError e : samples) {
            double v = x ? e.meanDxPx() : e.meanDyPx();
            if (!Double.isNaN(v)) {
                sum += v;
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
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
            String id, int index, double meanPx, double nme, Keypoints truth, Keypoints predicted) {

        /**
         * Returns the mean over points of the prediction's x minus the truth's.
         *
         * @return the mean signed x error in pixels, {@code NaN} when either point set is absent
         */
        public double meanDxPx() {
            return meanDifference(0);
        }

        /**
         * Returns the mean over points of the prediction's y minus the truth's.
         *
         * @return the mean signed y error in pixels, {@code NaN} when either point set is absent
         */
        public double meanDyPx() {
            return meanDifference(1);
        }

        private double meanDifference(int axis) {
            if (truth == null || predicted == null || truth.size() == 0) {
                return Double.NaN;
            }
            double sum = 0;
            for (int i = 0; i < truth.size(); i++) {
                sum += axis == 0 ? predicted.x(i) - truth.x(i) : predicted.y(i) - truth.y(i);
            }
            return sum / truth.size();
        }
    }
}
