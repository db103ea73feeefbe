package io.github.keypoints.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TorchvisionWeightsTest {

    @TempDir Path tmp;

    /** The tensor shapes of torchvision's resnet18 state_dict (3-channel stem, 1000 classes). */
    private static Map<String, long[]> torchvisionShapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        try (NDManager scratch = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            ResNet18 rgb = ResNet18.builder().setOutputs(1000).optInputChannels(3).build();
            rgb.initialize(scratch, DataType.FLOAT32, new Shape(1, 3, 32, 32));
            for (Map.Entry<String, Parameter> e : rgb.torchvisionParameters().entrySet()) {
                shapes.put(e.getKey(), e.getValue().getShape().getShape());
                if (e.getKey().endsWith("running_var")) {
                    String prefix = e.getKey().substring(0, e.getKey().lastIndexOf('.'));
                    shapes.put(prefix + ".num_batches_tracked", new long[0]);
                }
            }
        }
        return shapes;
    }

    /** Writes random tensors of the given shapes as .npz and returns them by name. */
    private static Map<String, NpzWriter.Tensor> writeNpz(Path file, Map<String, long[]> shapes)
            throws IOException {
        SplittableRandom r = new SplittableRandom(9);
        Map<String, NpzWriter.Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> e : shapes.entrySet()) {
            long n = 1;
            for (long d : e.getValue()) {
                n *= d;
            }
            float[] v = new float[(int) n];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) r.nextDouble(0.1, 1);
            }
            tensors.put(e.getKey(), new NpzWriter.Tensor(e.getValue(), v));
        }
        NpzWriter.write(file, tensors);
        return tensors;
    }

    @ParameterizedTest
    @ValueSource(strings = {"PyTorch", "MXNet"})
    void mapsEveryTensorAndSumsTheStemOverRgb(String engine) throws IOException {
        Path npz = tmp.resolve("resnet18.npz");
        Map<String, NpzWriter.Tensor> file = writeNpz(npz, torchvisionShapes());
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
            ResNet18 net = ResNet18.builder().setOutputs(136).optInputChannels(1).build();
            net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 32, 32));
            Map<String, Parameter> params = net.torchvisionParameters();
            float[] headBefore = params.get("fc.weight").getArray().toFloatArray();

            TorchvisionWeights.Report report = TorchvisionWeights.load(net, npz);

            assertThat(report.stemSummed()).isTrue();
            assertThat(report.imported()).hasSize(100).contains("bn1.running_mean");
            assertThat(report.ignored())
                    .hasSize(22)
                    .contains("fc.weight", "fc.bias", "layer4.1.bn2.num_batches_tracked");
            for (String name : report.imported()) {
                if (!name.equals("conv1.weight")) {
                    assertThat(params.get(name).getArray().toFloatArray())
                            .as(name)
                            .isEqualTo(file.get(name).values());
                }
            }
            // conv1: [64,3,7,7] summed over the RGB axis into [64,1,7,7]
            float[] rgb = file.get("conv1.weight").values();
            float[] gray = params.get("conv1.weight").getArray().toFloatArray();
            assertThat(gray).hasSize(64 * 49);
            for (int o = 0; o < 64; o++) {
                for (int k = 0; k < 49; k++) {
                    float sum =
                            rgb[(o * 3) * 49 + k]
                                    + rgb[(o * 3 + 1) * 49 + k]
                                    + rgb[(o * 3 + 2) * 49 + k];
                    assertThat(gray[o * 49 + k]).isCloseTo(sum, within(1e-5f));
                }
            }
            if ("PyTorch".equals(engine)) {
                // NDArray.set gave the tensors the default layout; the load lays them out again
                // when the layout is on at the build's oneDNN level
                int[] layout = TorchLayout.channelsLastWeights(net);
                assertThat(layout[1]).isPositive();
                assertThat(layout[0])
                        .as(
                                "channels-last convolution weights, layout on: %s",
                                ChannelsLast.isOn(net, "PyTorch"))
                        .isEqualTo(ChannelsLast.isOn(net, "PyTorch") ? layout[1] : 0);
            }
            // the 136-output head keeps its fresh initialisation
            assertThat(params.get("fc.weight").getArray().toFloatArray()).isEqualTo(headBefore);
            float[] out =
                    net.forward(
                                    new ParameterStore(m, false),
                                    new NDList(m.randomUniform(0, 1, new Shape(1, 1, 32, 32))),
                                    false)
                            .singletonOrThrow()
                            .toFloatArray();
            assertThat(out).hasSize(136);
        }
    }

    @Test
    void badFilesNameTheTensorAndChangeNothing() throws IOException {
        try (NDManager m = NDManager.newBaseManager(Device.cpu(), "PyTorch")) {
            ResNet18 net = ResNet18.builder().setOutputs(136).build();
            net.initialize(m, DataType.FLOAT32, new Shape(1, 1, 32, 32));
            Parameter probe = net.torchvisionParameters().get("conv1.weight");
            float[] before = probe.getArray().toFloatArray();

            // tensors are checked in torchvision order, so small files reach each error
            Path missing = tmp.resolve("missing.npz");
            writeNpz(missing, Map.of("conv1.weight", new long[] {64, 3, 7, 7}));
            assertThatThrownBy(() -> TorchvisionWeights.load(net, missing))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("lacks tensor 'bn1.weight'")
                    .hasMessageContaining("missing.npz");

            Path extra = tmp.resolve("extra.npz");
            writeNpz(extra, Map.of("layer5.0.conv1.weight", new long[] {2, 2}));
            assertThatThrownBy(() -> TorchvisionWeights.load(net, extra))
                    .hasMessageContaining("unexpected tensor 'layer5.0.conv1.weight'");

            Path wrong = tmp.resolve("wrong.npz");
            writeNpz(wrong, Map.of("conv1.weight", new long[] {64, 2, 7, 7}));
            assertThatThrownBy(() -> TorchvisionWeights.load(net, wrong))
                    .hasMessageContaining("tensor 'conv1.weight' has shape (64, 2, 7, 7)");

            assertThat(probe.getArray().toFloatArray()).isEqualTo(before);

            Files.writeString(tmp.resolve("not.npz"), "hello");
            assertThatThrownBy(() -> TorchvisionWeights.load(net, tmp.resolve("not.npz")))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("not.npz");

            ResNet18 fresh = ResNet18.builder().setOutputs(136).build();
            assertThatThrownBy(() -> TorchvisionWeights.load(fresh, missing))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("Initialise");
        }
    }
}
