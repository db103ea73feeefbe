package io.github.keypoints.train;

import io.github.keypoints.data.Affine;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkDataset;
import io.github.keypoints.data.LandmarkScheme;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Accumulates landmark errors in original-image pixels, sample by sample, and summarises them as an
 * {@link EvaluationResult}: mean point error, Kaggle-style MAE, NME and a per-group breakdown.
 *
 * <p>Definitions, per sample with N points and errors {@code (dx_i, dy_i)} in original pixels:
 *
 * <ul>
 *   <li>mean point error = mean over points of {@code sqrt(dx² + dy²)};
 *   <li>MAE = mean over the 2N coordinates of {@code |dx|} and {@code |dy|} (the Kaggle facial
 *       keypoints metric without the square);
 *   <li>NME = mean point error / distance between the scheme's two {@link
 *       LandmarkScheme#normalizerIndices() normaliser points} in the ground truth (a fraction, not
 *       a percentage). Schemes without normaliser points (such as {@link LandmarkScheme#NOSE_TIP})
 *       give {@code NaN}.
 * </ul>
 *
 * Dataset figures are means over samples. Mutable accumulator; not thread-safe.
 */
public final class LandmarkErrors {

    private final LandmarkScheme scheme;
    private final List<EvaluationResult.SampleError> samples = new ArrayList<>();
    private final Map<String, double[]> groupSums = new LinkedHashMap<>();
    private double sumMean;
    private double sumMae;
    private double sumNme;
    private long nmeCount;

    /**
     * Creates an empty accumulator.
     *
     * @param scheme the landmark scheme of every sample
     */
    public LandmarkErrors(LandmarkScheme scheme) {
        this.scheme = scheme;
        for (String g : scheme.groups().keySet()) {
            groupSums.put(g, new double[2]);
        }
    }

    /**
     * Adds one sample whose prediction is in the network's relative output form (2N values, {@code
     * x / inputWidth, y / inputHeight}), mapping it back to original pixels through the dataset.
     *
     * @param dataset the dataset the sample comes from
     * @param index the sample index in that dataset
     * @param relative the predicted 2N relative coordinates
     * @return the prediction in original-image pixels
     */
    public Keypoints addRelative(LandmarkDataset dataset, int index, float[] relative) {
        Keypoints predicted = toOriginal(dataset, index, relative);
        Keypoints truth = dataset.sample(index).keypoints().toScheme(dataset.scheme());
        add(dataset.sample(index).id(), index, truth, predicted);
        return predicted;
    }

    /**
     * Maps a relative prediction of sample {@code index} to original-image pixels.
     *
     * @param dataset the dataset
     * @param index the sample index
     * @param relative 2N coordinates relative to the network input
     * @return keypoints in original pixels
     */
    public static Keypoints toOriginal(LandmarkDataset dataset, int index, float[] relative) {
        Affine back = dataset.toOriginal(index);
        Keypoints input =
                Keypoints.fromRelative(
                        dataset.scheme(), relative, dataset.inputWidth(), dataset.inputHeight());
        return input.transform(back);
    }

    /**
     * Adds one sample with both point sets in original pixels.
     *
     * @param id the sample id
     * @param index the sample index
     * @param truth the ground truth
     * @param predicted the prediction
     */
    public void add(String id, int index, Keypoints truth, Keypoints predicted) {
        if (truth.size() != scheme.size() || predicted.size() != scheme.size()) {
            throw new IllegalArgumentException(
                    "sample "
                            + id
                            + ": expected "
                            + scheme.size()
                            + " points, got "
                            + truth.size()
                            + " and "
                            + predicted.size());
        }
        double dist = 0;
        double abs = 0;
        for (int i = 0; i < scheme.size(); i++) {
            double dx = predicted.x(i) - truth.x(i);
            double dy = predicted.y(i) - truth.y(i);
            double d = Math.hypot(dx, dy);
            dist += d;
            abs += Math.abs(dx) + Math.abs(dy);
            double[] g = groupSums.get(scheme.groupOf(i));
            g[0] += d;
            g[1]++;
        }
        double mean = dist / scheme.size();
        sumMean += mean;
        sumMae += abs / (2.0 * scheme.size());
        double nme = Double.NaN;
        int[] norm = scheme.normalizerIndices();
        if (norm.length == 2) {
            double iod =
                    Math.hypot(
                            truth.x(norm[0]) - truth.x(norm[1]),
                            truth.y(norm[0]) - truth.y(norm[1]));
            if (iod > 0) {
                nme = mean / iod;
                sumNme += nme;
                nmeCount++;
            }
        }
        samples.add(new EvaluationResult.SampleError(id, index, mean, nme, truth, predicted));
    }

    /**
     * Returns the summary so far.
     *
     * @return the result; every figure is {@code NaN} when no sample was added
     */
    public EvaluationResult result() {
        int n = samples.size();
        Map<String, Double> groups = new LinkedHashMap<>();
        groupSums.forEach((g, s) -> groups.put(g, s[1] == 0 ? Double.NaN : s[0] / s[1]));
        return new EvaluationResult(
                n,
                n == 0 ? Double.NaN : sumMean / n,
                n == 0 ? Double.NaN : sumMae / n,
                nmeCount == 0 ? Double.NaN : sumNme / nmeCount,
                groups,
                samples);
    }
}
