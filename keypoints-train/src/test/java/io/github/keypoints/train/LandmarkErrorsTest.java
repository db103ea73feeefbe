package io.github.keypoints.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import org.junit.jupiter.api.Test;

class LandmarkErrorsTest {

    @Test
    void meanMaeAndNmeFollowTheirDefinitions() {
        LandmarkErrors e = new LandmarkErrors(SyntheticLandmarks.SCHEME);
        Keypoints truth = Keypoints.of(SyntheticLandmarks.SCHEME, new float[] {0, 0, 10, 0});
        Keypoints pred = Keypoints.of(SyntheticLandmarks.SCHEME, new float[] {3, 4, 10, 2});
        e.add("a", 0, truth, pred);
        EvaluationResult r = e.result();
        assertThat(r.meanPx()).isCloseTo((5 + 2) / 2.0, within(1e-9));
        assertThat(r.maePx()).isCloseTo((3 + 4 + 0 + 2) / 4.0, within(1e-9));
        assertThat(r.nme()).isCloseTo(3.5 / 10, within(1e-9));
        assertThat(r.groupMeanPx()).containsEntry("first", 5.0).containsEntry("second", 2.0);
        // the signed offsets: x (3 + 0) / 2, y (4 + 2) / 2
        assertThat(r.meanDxPx()).isCloseTo(1.5, within(1e-9));
        assertThat(r.meanDyPx()).isCloseTo(3.0, within(1e-9));
    }

    @Test
    void aShiftedPredictionShowsAsItsOffsetWhileRandomErrorsCancel() {
        LandmarkErrors e = new LandmarkErrors(SyntheticLandmarks.SCHEME);
        Keypoints truth = Keypoints.of(SyntheticLandmarks.SCHEME, new float[] {20, 30, 40, 30});
        // face a: every point 1 px left; face b: errors of both signs that cancel
        e.add("a", 0, truth, Keypoints.of(SyntheticLandmarks.SCHEME, new float[] {19, 30, 39, 30}));
        e.add("b", 1, truth, Keypoints.of(SyntheticLandmarks.SCHEME, new float[] {23, 27, 37, 33}));
        EvaluationResult r = e.result();
        assertThat(r.samples().get(0).meanDxPx()).isEqualTo(-1.0);
        assertThat(r.samples().get(1).meanDxPx()).isEqualTo(0.0);
        assertThat(r.samples().get(1).meanDyPx()).isEqualTo(0.0);
        assertThat(r.meanDxPx()).isEqualTo(-0.5);
        assertThat(r.meanDyPx()).isEqualTo(0.0);
        assertThat(new LandmarkErrors(SyntheticLandmarks.SCHEME).result().meanDxPx()).isNaN();
    }

    @Test
    void relativePredictionsAreMappedBackToOriginalPixels() {
        SyntheticLandmarks data = new SyntheticLandmarks(3, 12, 1, null);
        LandmarkErrors e = new LandmarkErrors(data.scheme());
        float[] truthInput = data.sample(1).keypoints().scale(0.5, 0.5).toRelative(12, 12);
        Keypoints back = e.addRelative(data, 1, truthInput);
        assertThat(back.meanDistance(data.sample(1).keypoints())).isLessThan(1e-4);
        assertThat(e.result().meanPx()).isLessThan(1e-4);
    }

    @Test
    void nmeIsUndefinedForTheNoseTip() {
        LandmarkErrors e = new LandmarkErrors(LandmarkScheme.NOSE_TIP);
        e.add(
                "n",
                0,
                Keypoints.of(LandmarkScheme.NOSE_TIP, new float[] {1, 1}),
                Keypoints.of(LandmarkScheme.NOSE_TIP, new float[] {4, 5}));
        assertThat(e.result().meanPx()).isEqualTo(5.0);
        assertThat(e.result().nme()).isNaN();
    }

    @Test
    void averagesRunOverSamplesAndGroupsOverTheirPoints() {
        LandmarkErrors e = new LandmarkErrors(SyntheticLandmarks.SCHEME);
        // Truth away from the origin, so a sum in place of a difference changes every error.
        Keypoints truth1 = Keypoints.of(SyntheticLandmarks.SCHEME, new float[] {20, 30, 40, 30});
        Keypoints pred1 = Keypoints.of(SyntheticLandmarks.SCHEME, new float[] {23, 34, 40, 31});
        Keypoints truth2 = Keypoints.of(SyntheticLandmarks.SCHEME, new float[] {10, 10, 30, 10});
        Keypoints pred2 = Keypoints.of(SyntheticLandmarks.SCHEME, new float[] {10, 16, 22, 10});
        e.add("b", 1, truth2, pred2);
        e.add("a", 0, truth1, pred1);
        EvaluationResult r = e.result();
        double mean1 = (5 + 1) / 2.0;
        double mean2 = (6 + 8) / 2.0;
        assertThat(r.count()).isEqualTo(2);
        assertThat(r.meanPx()).isCloseTo((mean1 + mean2) / 2, within(1e-9));
        assertThat(r.maePx())
                .isCloseTo(((3 + 4 + 0 + 1) / 4.0 + (0 + 6 + 8 + 0) / 4.0) / 2, within(1e-9));
        assertThat(r.nme()).isCloseTo((mean1 / 20 + mean2 / 20) / 2, within(1e-9));
        assertThat(r.groupMeanPx())
                .containsEntry("first", (5 + 6) / 2.0)
                .containsEntry("second", (1 + 8) / 2.0);
        assertThat(r.byError())
                .extracting(EvaluationResult.SampleError::id)
                .containsExactly("a", "b");
        // Coincident normaliser points leave the NME undefined instead of infinite.
        LandmarkErrors flat = new LandmarkErrors(SyntheticLandmarks.SCHEME);
        Keypoints same = Keypoints.of(SyntheticLandmarks.SCHEME, new float[] {5, 5, 5, 5});
        flat.add("c", 0, same, pred2);
        assertThat(flat.result().nme()).isNaN();
        assertThat(new LandmarkErrors(SyntheticLandmarks.SCHEME).result().meanPx()).isNaN();
    }
}
