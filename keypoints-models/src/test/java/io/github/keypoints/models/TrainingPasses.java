package io.github.keypoints.models;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** One training pass of a block, for tests that compare two ways of running it. */
final class TrainingPasses {

    private TrainingPasses() {}

    /**
     * A training pass's output and every parameter's gradient (of the sum of the squared outputs),
     * through either way into a block.
     *
     * @param manager the manager the block was initialised on
     * @param block the block
     * @param x the input
     * @param withLabels whether to go in as DJL's trainer does, with labels, or with {@code
     *     forward(…, true)}
     * @return the output, then the gradients in parameter order
     */
    static List<float[]> outputAndGradients(
            NDManager manager, Block block, NDArray x, boolean withLabels) {
        try (NDManager sub = manager.newSubManager();
                GradientCollector gc = manager.getEngine().newGradientCollector()) {
            gc.zeroGradients();
            ParameterStore ps = new ParameterStore(sub, false);
            NDList out =
                    withLabels
                            ? block.forward(ps, new NDList(x), new NDList(x), null)
                            : block.forward(ps, new NDList(x), true);
            gc.backward(out.head().mul(out.head()).sum());
            List<float[]> arrays = new ArrayList<>();
            arrays.add(out.head().toFloatArray());
            for (var p : block.getParameters()) {
                NDArray value = p.getValue().getArray();
                if (value.hasGradient()) {
                    arrays.add(value.getGradient().toFloatArray());
                }
            }
            return arrays;
        }
    }

    /**
     * The operators of one training pass on PyTorch (through the labels' way in, as DJL's trainer
     * calls it), as libtorch's profiler saw them: those named in {@code kinds}, in the order they
     * started, each by its short name.
     *
     * @param manager the manager the block was initialised on, on PyTorch
     * @param block the block
     * @param x the input
     * @param trace where the profiler writes its trace
     * @param kinds libtorch operator names (such as {@code aten::relu}) and the short names to give
     * @return the short names joined by spaces
     * @throws IOException if the trace cannot be read
     */
    static String operatorOrder(
            NDManager manager, Block block, NDArray x, Path trace, Map<String, String> kinds)
            throws IOException {
        JniUtils.startProfile(false, true, false);
        try (NDManager sub = manager.newSubManager()) {
            block.forward(new ParameterStore(sub, false), new NDList(x), new NDList(x), null);
        } finally {
            JniUtils.stopProfile(trace.toString());
        }
        List<JsonObject> events = new ArrayList<>();
        for (JsonElement e : JsonParser.parseString(Files.readString(trace)).getAsJsonArray()) {
            JsonObject event = e.getAsJsonObject();
            if (kinds.containsKey(event.get("name").getAsString())) {
                events.add(event);
            }
        }
        return events.stream()
                .sorted(Comparator.comparingDouble(e -> e.get("ts").getAsDouble()))
                .map(e -> kinds.get(e.get("name").getAsString()))
                .collect(Collectors.joining(" "));
    }
}
