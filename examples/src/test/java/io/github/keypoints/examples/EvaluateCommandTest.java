package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.train.EvaluationResult;
import io.github.keypoints.train.EvaluationResult.SampleError;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code evaluate}'s per-face CSV. */
class EvaluateCommandTest {

    @Test
    void perFaceRowsKeepTheDataOrderAndQuoteIdsThatNeedIt() {
        EvaluationResult r =
                new EvaluationResult(
                        3,
                        2.0,
                        1.0,
                        0.1,
                        Map.of(),
                        List.of(
                                new SampleError(
                                        "b.png",
                                        0,
                                        1.5,
                                        0.25,
                                        Keypoints.of(LandmarkScheme.NOSE_TIP, new float[] {10, 20}),
                                        Keypoints.of(
                                                LandmarkScheme.NOSE_TIP, new float[] {9, 20.5f})),
                                new SampleError("a,\"x\".png", 1, 2.5, 0.05, null, null),
                                new SampleError("c.png", 2, 2.0, Double.NaN, null, null)));
        assertThat(EvaluateCommand.perFaceCsv(r))
                .isEqualTo(
                        "id,mean_px,nme,dx_px,dy_px\n"
                                + "b.png,1.5,0.25,-1.0,0.5\n"
                                + "\"a,\"\"x\"\".png\",2.5,0.05,NaN,NaN\n"
                                + "c.png,2.0,NaN,NaN,NaN\n");
        // the offsets average over the faces that carry points
        assertThat(r.meanDxPx()).isEqualTo(-1.0);
        assertThat(r.meanDyPx()).isEqualTo(0.5);
    }
}
