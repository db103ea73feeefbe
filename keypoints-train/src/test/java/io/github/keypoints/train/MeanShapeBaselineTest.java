package io.github.keypoints.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class MeanShapeBaselineTest {

    private static FaceSample face(String id, float... xy) {
        return new FaceSample(
                id,
                Path.of(id + ".png"),
                Keypoints.of(SyntheticLandmarks.SCHEME, xy),
                Optional.empty());
    }

    @Test
    void theMeanShapeIsScoredLikeATrainedModel() {
        List<FaceSample> train =
                List.of(face("a", 0, 0, 10, 0), face("b", 4, 2, 14, 2), face("c", 2, 4, 12, 4));
        // Mean shape (2, 2), (12, 2).
        assertThat(MeanShapeBaseline.meanShape(train, SyntheticLandmarks.SCHEME).toArray())
                .containsExactly(2f, 2f, 12f, 2f);
        List<FaceSample> validation = List.of(face("v", 5, 6, 12, 2), face("w", 2, 2, 20, 2));
        EvaluationResult r =
                MeanShapeBaseline.evaluate(train, validation, SyntheticLandmarks.SCHEME);
        // v: point errors 5 and 0, mean 2.5, inter-point distance 7.28; w: 0 and 8, mean 4.
        assertThat(r.count()).isEqualTo(2);
        assertThat(r.meanPx()).isCloseTo((2.5 + 4) / 2, within(1e-9));
        assertThat(r.maePx())
                .isCloseTo(((3 + 4 + 0 + 0) / 4.0 + (0 + 0 + 8 + 0) / 4.0) / 2, within(1e-9));
        assertThat(r.nme()).isCloseTo((2.5 / Math.hypot(7, 4) + 4 / 18.0) / 2, within(1e-9));
        assertThatThrownBy(
                        () ->
                                MeanShapeBaseline.evaluate(
                                        List.of(), validation, SyntheticLandmarks.SCHEME))
                .hasMessageContaining("no training faces");
        assertThatThrownBy(
                        () ->
                                MeanShapeBaseline.evaluate(
                                        train, List.of(), SyntheticLandmarks.SCHEME))
                .hasMessageContaining("no validation faces");
    }
}
