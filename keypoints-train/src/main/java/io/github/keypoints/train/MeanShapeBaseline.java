package io.github.keypoints.train;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import java.util.List;

/**
 * The simplest honest predictor, the bar every trained model must clear: the training faces' mean
 * position of every point, predicted for every validation face, in the photos' pixels.
 * <!-- snippet-context: ImmSplit split; -->
 *
 * <pre>{@code
 * EvaluationResult bar = MeanShapeBaseline.evaluate(split.train(), split.validation(),
 *         LandmarkScheme.IMM_58);
 * System.out.printf("mean-shape baseline %.1f px%n", bar.meanPx());
 * }</pre>
 */
public final class MeanShapeBaseline {

    private MeanShapeBaseline() {}

    /**
     * Returns the mean position of every point over the training faces.
     *
     * @param train the training faces (their keypoints are mapped to {@code scheme})
     * @param scheme the scheme to average in
     * @return the mean shape
     * @throws IllegalArgumentException if there are no training faces
     */
    public static Keypoints meanShape(List<FaceSample> train, LandmarkScheme scheme) {
        if (train.isEmpty()) {
            throw new IllegalArgumentException("no training faces to average");
        }
        int n = scheme.size();
        double[] mean = new double[2 * n];
        for (FaceSample s : train) {
            float[] xy = s.keypoints().toScheme(scheme).toArray();
            for (int k = 0; k < 2 * n; k++) {
                mean[k] += xy[k] / train.size();
            }
        }
        return Keypoints.of(scheme, mean);
    }

    /**
     * Scores the mean shape of the training faces on the validation faces, with the same metrics as
     * a trained model ({@link LandmarkErrors}: mean point error, MAE, NME by the scheme's
     * normaliser points, per-group errors).
     *
     * @param train the training faces
     * @param validation the faces to score on
     * @param scheme the scheme to predict in
     * @return the errors
     * @throws IllegalArgumentException if either list is empty
     */
    public static EvaluationResult evaluate(
            List<FaceSample> train, List<FaceSample> validation, LandmarkScheme scheme) {
        if (validation.isEmpty()) {
            throw new IllegalArgumentException("no validation faces to score on");
        }
        Keypoints mean = meanShape(train, scheme);
        LandmarkErrors errors = new LandmarkErrors(scheme);
        for (int i = 0; i < validation.size(); i++) {
            FaceSample s = validation.get(i);
            errors.add(s.id(), i, s.keypoints().toScheme(scheme), mean);
        }
        return errors.result();
    }
}
