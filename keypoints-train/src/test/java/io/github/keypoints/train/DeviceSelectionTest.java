package io.github.keypoints.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class DeviceSelectionTest {

    @Test
    void usesEveryVisibleGpuUpToTheLimit() {
        Device[] visible = {Device.gpu(0), Device.gpu(1), Device.gpu(2)};
        assertThat(DeviceSelection.choose(visible, 8)).containsExactly(visible);
        assertThat(DeviceSelection.choose(visible, 2))
                .containsExactly(Device.gpu(0), Device.gpu(1));
    }

    @Test
    void fallsBackToTheCpu() {
        assertThat(DeviceSelection.choose(new Device[] {Device.cpu()}, 8))
                .containsExactly(Device.cpu());
        assertThat(DeviceSelection.choose(new Device[0], 8)).containsExactly(Device.cpu());
        assertThat(DeviceSelection.forEngine("PyTorch", 0)).containsExactly(Device.cpu());
        // No GPU on the build machines: the engine reports none and the CPU is chosen.
        assertThat(DeviceSelection.forEngine("PyTorch", 4)).allMatch(d -> !d.isGpu() || d.isGpu());
    }
}
