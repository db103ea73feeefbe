package io.github.keypoints.models;

/**
 * Whether this JVM's PyTorch convolutions are right in both layouts at its oneDNN level, as {@link
 * ConvolutionCheck} compares them with plain Java (every kind of convolution, outputs and
 * gradients), checked once per JVM. Tests that expect the TorchScript modules in use ask this
 * rather than name a level: a module is turned away only when its prepacked kernels disagree with
 * the layer-by-layer pass, which right kernels never do. At {@code SSE41} and, on the project's AMD
 * EPYC of family 26, at every level up to {@code ALL}, both layouts are right; where they are not,
 * {@code PyTorchConvolutionCheckTest} fails and says which convolution.
 */
final class RightKernels {

    private static volatile Boolean here;

    private RightKernels() {}

    /**
     * Whether both layouts' convolutions are right here.
     *
     * @return true if the check found no wrong value in either layout
     */
    static boolean here() {
        Boolean h = here;
        if (h == null) {
            synchronized (RightKernels.class) {
                h = here;
                if (h == null) {
                    h =
                            ConvolutionCheck.run("PyTorch", false).isEmpty()
                                    && ConvolutionCheck.run("PyTorch", true).isEmpty();
                    here = h;
                    System.out.printf(
                            "ONEDNN_MAX_CPU_ISA=%s: PyTorch's convolutions right in both layouts:"
                                    + " %s%n",
                            System.getenv("ONEDNN_MAX_CPU_ISA"), h);
                }
            }
        }
        return h;
    }
}
