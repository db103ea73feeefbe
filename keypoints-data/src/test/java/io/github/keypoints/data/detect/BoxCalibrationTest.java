package io.github.keypoints.data.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.github.keypoints.data.Box;
import java.util.List;
import org.junit.jupiter.api.Test;

class BoxCalibrationTest {

    @Test
    void movesTheCentreByFractionsOfTheDetectionAndScalesEachSide() {
        Box detection = new Box(100, 200, 40, 50); // centre (120, 225)
        Box b = new BoxCalibration(1.5, 1.2, 0.25, -0.1).apply(detection);
        assertThat(b.width()).isCloseTo(60, within(1e-12));
        assertThat(b.height()).isCloseTo(60, within(1e-12));
        assertThat(b.centerX()).isCloseTo(130, within(1e-12));
        assertThat(b.centerY()).isCloseTo(220, within(1e-12));
    }

    @Test
    void aFittedCalibrationMapsEachDetectionOntoItsTargetWhenOneMappingFitsAll() {
        BoxCalibration truth = new BoxCalibration(1.3, 1.25, 0.02, 0.12);
        List<Box> detections =
                List.of(new Box(10, 20, 40, 40), new Box(300, 5, 120, 110), new Box(-4, 60, 9, 12));
        List<Box> targets = detections.stream().map(truth::apply).toList();
        BoxCalibration fitted = BoxCalibration.fit(detections, targets);
        assertThat(fitted.scaleX()).isCloseTo(1.3, within(1e-12));
        assertThat(fitted.scaleY()).isCloseTo(1.25, within(1e-12));
        assertThat(fitted.offsetX()).isCloseTo(0.02, within(1e-12));
        assertThat(fitted.offsetY()).isCloseTo(0.12, within(1e-12));
        assertThatThrownBy(() -> BoxCalibration.fit(List.of(), List.of()))
                .hasMessageContaining("at least one");
    }

    @Test
    void identityKeepsTheBox() {
        Box detection = new Box(-3.5, 7.25, 11, 13);
        Box b = BoxCalibration.IDENTITY.apply(detection);
        assertThat(b.x()).isCloseTo(detection.x(), within(1e-12));
        assertThat(b.y()).isCloseTo(detection.y(), within(1e-12));
        assertThat(b.width()).isCloseTo(detection.width(), within(1e-12));
        assertThat(b.height()).isCloseTo(detection.height(), within(1e-12));
    }

    @Test
    void nonPositiveScalesAndNonFiniteOffsetsAreRejected() {
        assertThatThrownBy(() -> new BoxCalibration(0, 1, 0, 0)).hasMessageContaining("scales");
        assertThatThrownBy(() -> new BoxCalibration(1, 1, Double.NaN, 0))
                .hasMessageContaining("offsets");
    }
}
