package io.github.keypoints.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Imports torchvision's ResNet-18 weights (for example the ImageNet {@code IMAGENET1K_V1} weights)
 * into a {@link ResNet18} from an {@code .npz} file of its {@code state_dict}.
 *
 * <p>Export the file once with Python (torchvision needed only for this step):
 *
 * <pre>
 * python3 -c "import torch, numpy as np, torchvision; m=torchvision.models.resnet18(weights='IMAGENET1K_V1'); np.savez('resnet18.npz', **{k: v.numpy() for k, v in m.state_dict().items()})"
 * </pre>
 *
 * <p>Every backbone tensor is mapped by name ({@link ResNet18#torchvisionParameters()}), BatchNorm
 * running statistics included; {@code num_batches_tracked} counters are ignored. A 1-channel stem
 * gets {@code conv1.weight} summed over its input-channel axis ({@code [64,3,7,7] → [64,1,7,7]}),
 * as the reference project did, so a gray image {@code g} sees the response the RGB network gave to
 * {@code (g, g, g)}. The head ({@code fc.*}) is never imported: the network keeps its freshly
 * initialised {@code 2N}-output head. A missing, unexpected or wrong-shaped tensor is an error
 * naming it, raised before any weight is changed.
 */
public final class TorchvisionWeights {

    private TorchvisionWeights() {}

    /**
     * What an import did.
     *
     * @param imported the torchvision names copied into the network
     * @param ignored the tensors in the file that were skipped ({@code num_batches_tracked}, {@code
     *     fc.*})
     * @param stemSummed whether {@code conv1.weight} was summed over RGB into one channel
     */
    public record Report(List<String> imported, List<String> ignored, boolean stemSummed) {

        /**
         * Copies the lists.
         *
         * @param imported the torchvision names copied into the network
         * @param ignored the tensors in the file that were skipped ({@code num_batches_tracked},
         *     {@code fc.*})
         * @param stemSummed whether {@code conv1.weight} was summed over RGB into one channel
         */
        public Report {
            imported = List.copyOf(imported);
            ignored = List.copyOf(ignored);
        }
    }

    /**
     * Loads the weights of an {@code .npz} file into an initialised network.
     *
     * @param net the network, initialised (so its parameters exist)
     * @param npz the file written by the export line above
     * @return what was imported and skipped
     * @throws IOException if the file cannot be read, or (naming the tensor and the file) a tensor
     *     is missing, unexpected or of the wrong shape
     * @throws IllegalStateException if the network is not initialised
     */
    public static Report load(ResNet18 net, Path npz) throws IOException {
        Map<String, Parameter> targets = net.torchvisionParameters();
        Parameter first = targets.get("conv1.weight");
        if (!first.isInitialized()) {
            throw new IllegalStateException(
                    "Initialise the ResNet18 (block.initialize or KeypointModel.create) before"
                            + " importing weights into it");
        }
        NDManager owner = first.getArray().getManager();
        try (NDManager scratch = owner.newSubManager();
                InputStream in = new BufferedInputStream(Files.newInputStream(npz))) {
            NDList list;
            try {
                list = NDList.decode(scratch, in);
            } catch (RuntimeException e) {
                throw new IOException(npz + " is not a readable .npz file: " + e.getMessage(), e);
            }
            Map<String, NDArray> file = new LinkedHashMap<>();
            for (NDArray a : list) {
                String name = a.getName();
                if (name == null || file.put(name, a) != null) {
                    throw new IOException(npz + ": unnamed or duplicate tensor '" + name + "'");
                }
            }
            List<String> ignored = new ArrayList<>();
            for (String name : file.keySet()) {
                if (name.endsWith("num_batches_tracked") || name.startsWith("fc.")) {
                    ignored.add(name);
                } else if (!targets.containsKey(name)) {
                    throw new IOException(
                            npz
                                    + ": unexpected tensor '"
                                    + name
                                    + "' "
                                    + file.get(name).getShape()
                                    + ", not a parameter of torchvision's resnet18");
                }
            }
            Map<Parameter, NDArray> values = new LinkedHashMap<>();
            List<String> imported = new ArrayList<>();
            boolean summed = false;
            for (Map.Entry<String, Parameter> t : targets.entrySet()) {
                String name = t.getKey();
                if (name.startsWith("fc.")) {
                    continue;
                }
                NDArray value = file.get(name);
                Shape want = t.getValue().getShape();
                if (value == null) {
                    throw new IOException(
                            npz + " lacks tensor '" + name + "' (expected shape " + want + ")");
                }
                Shape got = value.getShape();
                if (name.equals("conv1.weight")
                        && !got.equals(want)
                        && got.dimension() == 4
                        && got.get(1) == 3
                        && want.get(1) == 1
                        && got.get(0) == want.get(0)
                        && got.get(2) == want.get(2)
                        && got.get(3) == want.get(3)) {
                    value = value.sum(new int[] {1}, true);
                    summed = true;
                } else if (!got.equals(want)) {
                    throw new IOException(
                            npz
                                    + ": tensor '"
                                    + name
                                    + "' has shape "
                                    + got
                                    + ", the network needs "
                                    + want);
                }
                values.put(t.getValue(), value);
                imported.add(name);
            }
            for (Map.Entry<Parameter, NDArray> v : values.entrySet()) {
                float[] data = v.getValue().toType(DataType.FLOAT32, false).toFloatArray();
                v.getKey().getArray().set(FloatBuffer.wrap(data));
            }
            // NDArray.set gives a PyTorch tensor the default layout back.
            ChannelsLast.layOutParameters(net);
            return new Report(imported, ignored, summed);
        }
    }
}
