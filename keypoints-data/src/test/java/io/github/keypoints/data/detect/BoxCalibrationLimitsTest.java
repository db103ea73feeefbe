package io.github.keypoints.data.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BoxCalibrationLimitsTest {

    @Test
    void eachScaleMustBePositiveAndFinite() {
        assertThat(new BoxCalibration(1e-9, 1e-9, 0, 0).scaleY()).isEqualTo(1e-9);
        assertThatThrownBy(() -> new BoxCalibration(1, 0, 0, 0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("calibration scales must be positive and finite, got 1.0, 0.0");
        assertThatThrownBy(() -> new BoxCalibration(1, Double.POSITIVE_INFINITY, 0, 0))
                .hasMessage("calibration scales must be positive and finite, got 1.0, Infinity");
        assertThatThrownBy(() -> new BoxCalibration(1, 1, 0, Double.NEGATIVE_INFINITY))
                .hasMessage("calibration offsets must be finite, got 0.0, -Infinity");
    }
}
