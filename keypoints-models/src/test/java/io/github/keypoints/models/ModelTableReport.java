package io.github.keypoints.models;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * Prints, for every architecture at its documented input, the trainable parameter count, the output
 * shape and the batch-1 forward time on each engine (the command is in docs/models.md).
 */
public final class ModelTableReport {

    private ModelTableReport() {}

    /**
     * Runs the report.
     *
     * @param args engines to time, default {@code PyTorch MXNet}
     */
    public static void main(String[] args) {
        String[] engines = args.length > 0 ? args : new String[] {"PyTorch", "MXNet"};
        Object[][] cases = {
            {NoseTipNet.NAME, 2, 80, 60},
            {Imm58Net.NAME, 116, 240, 180},
            {Imm58Net.NAME, 116, 120, 90},
            {ResNet18.NAME, 136, 224, 224},
            {HeatmapNet.NAME, 116, 120, 90},
        };
        System.out.println(
                "ONEDNN_MAX_CPU_ISA=" + System.getenv("ONEDNN_MAX_CPU_ISA") + ", batch 1, 10 runs");
        System.out.println(
                "| architecture | input (W×H) | trainable parameters | output | engine | forward ms |");
        System.out.println("|---|---|---|---|---|---|");
        for (Object[] c : cases) {
            for (String engine : engines) {
                String arch = (String) c[0];
                int outputs = (Integer) c[1];
                int w = (Integer) c[2];
                int h = (Integer) c[3];
                try (NDManager m = NDManager.newBaseManager(Device.cpu(), engine)) {
                    KeypointBlock net = ModelZoo.create(arch, outputs);
                    Shape in = new Shape(1, 1, h, w);
                    net.initialize(m, DataType.FLOAT32, in);
                    ParameterStore ps = new ParameterStore(m, false);
                    NDArray x = m.randomUniform(0, 1, in);
                    NDArray out = null;
                    for (int i = 0; i < 3; i++) {
                        out = net.forward(ps, new NDList(x), false).singletonOrThrow();
                        out.toFloatArray();
                    }
                    long t0 = System.nanoTime();
                    for (int i = 0; i < 10; i++) {
                        try (NDManager step = m.newSubManager()) {
                            NDArray y = net.forward(ps, new NDList(x), false).singletonOrThrow();
                            y.toFloatArray();
                        }
                    }
                    double ms = (System.nanoTime() - t0) / 1e6 / 10;
                    System.out.printf(
                            "| %s | %d×%d | %,d | %s | %s | %.1f |%n",
                            arch, w, h, ParameterCount.trainable(net), out.getShape(), engine, ms);
                }
            }
        }
    }
}
