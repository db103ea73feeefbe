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
    }

    @Test
    void theEnginesOwnDevicesAreWhatIsChosenFrom() {
        // Whatever this machine has: forEngine is choose() applied to the engine's devices.
        Device[] visible = ai.djl.engine.Engine.getEngine("PyTorch").getDevices(4);
        assertThat(DeviceSelection.forEngine("PyTorch", 4))
                .containsExactly(DeviceSelection.choose(visible, 4));
    }

    @Test
    void cpusAmongTheVisibleDevicesAreNeverMixedWithGpus() {
        Device[] visible = {Device.cpu(), Device.gpu(0), Device.gpu(1)};
        assertThat(DeviceSelection.choose(visible, 8))
                .containsExactly(Device.gpu(0), Device.gpu(1));
        assertThat(DeviceSelection.choose(visible, 1)).containsExactly(Device.gpu(0));
    }
}
