package io.github.keypoints.models;

import ai.djl.ndarray.NDArray;

/**
 * The once-per-JVM adjustments to the engines' native libraries that the library makes before its
 * first network pass or convolution check, in one place: libtorch's NNPACK question turned off
 * ({@link TorchNnpack}), oneDNN's cache sizes corrected where it read impossible ones ({@link
 * TorchOneDnnCaches}), libtorch's MKL choosing code by the CPU's features ({@link
 * TorchMklDispatch}), MXNet's OpenBLAS on the AVX2 kernels on CPUs it does not know ({@link
 * MxOpenBlasCore}). Each does its work the first time its engine comes by and is a flag read after
 * that.
 */
final class NativeTuning {

    private NativeTuning() {}

    /**
     * Makes every adjustment for the engine of {@code x} that has not been made yet (this runs on
     * every forward pass; after the first, it costs a flag read per adjustment).
     *
     * @param x an input about to go through a network
     */
    static void prepareOnce(NDArray x) {
        prepareOnce(x.getManager().getEngine().getEngineName());
    }

    /**
     * Makes every adjustment for {@code engine} that has not been made yet.
     *
     * @param engine the engine about to run a network or a convolution check
     */
    static void prepareOnce(String engine) {
        TorchNnpack.turnOffOnce(engine);
        TorchOneDnnCaches.prepareOnce(engine);
        TorchMklDispatch.prepareOnce(engine);
        MxOpenBlasCore.prepareOnce(engine);
    }
}
