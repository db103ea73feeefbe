package io.github.keypoints.examples;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.github.keypoints.models.KeypointBlock;
import io.github.keypoints.models.ResNet18;
import io.github.keypoints.models.TorchvisionWeights;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** The {@code --pretrained FILE.npz} option of the training commands. */
final class PretrainedWeights {

    private PretrainedWeights() {}

    /**
     * Initialises a ResNet-18 and copies torchvision's ImageNet weights into it (conv1 summed over
     * RGB, the head left freshly initialised).
     *
     * @param npz the weights, or {@code null} for none
     * @param wh the input width and height
     * @return the manager that owns the weights until training ends (close it then), or {@code
     *     null} without a file
     */
    static NDManager importInto(KeypointBlock block, Path npz, String engine, int[] wh)
            throws IOException {
        if (npz == null) {
            return null;
        }
        if (!(block instanceof ResNet18 net)) {
            throw new IllegalArgumentException(
                    "--pretrained applies to --model resnet18 only, not " + block.architecture());
        }
        NDManager weights = NDManager.newBaseManager(Device.cpu(), engine);
        try {
            net.initialize(weights, DataType.FLOAT32, new Shape(1, 1, wh[1], wh[0]));
            TorchvisionWeights.Report r = TorchvisionWeights.load(net, npz);
            System.err.printf(
                    Locale.ROOT,
                    "imported %d torchvision tensors from %s (conv1 summed over RGB: %s; head"
                            + " freshly initialised)%n",
                    r.imported().size(),
                    npz,
                    r.stemSummed());
            return weights;
        } catch (IOException | RuntimeException e) {
            weights.close();
            throw e;
        }
    }
}
