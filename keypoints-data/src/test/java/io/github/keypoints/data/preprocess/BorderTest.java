package io.github.keypoints.data.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.opencv.core.Core;

class BorderTest {

    @Test
    void constantValuesFromZeroTo255InclusiveAreAccepted() {
        assertThat(Border.constant(0).value()).isZero();
        assertThat(Border.constant(255).value()).isEqualTo(255);
        assertThatThrownBy(() -> Border.constant(-0.5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("border value must be in 0..255, was -0.5");
        assertThatThrownBy(() -> Border.constant(255.5))
                .hasMessage("border value must be in 0..255, was 255.5");
        assertThatThrownBy(() -> Border.constant(Double.NaN)).hasMessageContaining("NaN");
    }

    @Test
    void eachBorderMapsToItsOpenCvTypeAndDescription() {
        assertThat(Border.replicate().openCvType()).isEqualTo(Core.BORDER_REPLICATE);
        assertThat(Border.constant(7).openCvType()).isEqualTo(Core.BORDER_CONSTANT);
        assertThat(Border.replicate().describe()).isEqualTo("replicate");
        // The constant is part of the description: cache keys must tell the two apart.
        assertThat(Border.constant(7).describe()).isEqualTo("constant7.0");
    }
}
