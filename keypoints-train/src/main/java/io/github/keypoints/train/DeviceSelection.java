package io.github.keypoints.train;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.ArrayList;
import java.util.List;

/**
 * Picks the devices a run trains on: every visible GPU (DJL then splits each batch across them,
 * data-parallel), or the CPU when there is none.
 */
public final class DeviceSelection {

    private DeviceSelection() {}

    /**
     * Returns the devices of the named engine: its GPUs, up to {@code maxGpus}, or the CPU.
     *
     * @param engineName the engine, such as {@code PyTorch}
     * @param maxGpus the most GPUs to use; 0 forces the CPU
     * @return the devices, never empty
     */
    public static Device[] forEngine(String engineName, int maxGpus) {
        if (maxGpus <= 0) {
            return new Device[] {Device.cpu()};
        }
        return choose(Engine.getEngine(engineName).getDevices(maxGpus), maxGpus);
    }

    /**
     * Chooses from a list of visible devices: the GPUs among them (at most {@code maxGpus}), else
     * one CPU.
     *
     * @param visible the visible devices
     * @param maxGpus the most GPUs to use
     * @return the devices, never empty
     */
    public static Device[] choose(Device[] visible, int maxGpus) {
        List<Device> gpus = new ArrayList<>();
        for (Device d : visible) {
            if (d.isGpu() && gpus.size() < maxGpus) {
                gpus.add(d);
            }
        }
        return gpus.isEmpty() ? new Device[] {Device.cpu()} : gpus.toArray(new Device[0]);
    }
}
