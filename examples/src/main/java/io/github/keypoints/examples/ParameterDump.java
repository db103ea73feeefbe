package io.github.keypoints.examples;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import com.google.gson.Gson;
import io.github.keypoints.data.io.AtomicOutput;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Every parameter of an initialised block, in the block's order (BatchNorm running statistics
 * included), followed by one input, as raw little-endian float32 in {@code NAME.bin} with the names
 * and shapes in {@code NAME.json}: what a Python reference loads to run the same weights on the
 * same input and return its output for comparison.
 */
final class ParameterDump {

    private ParameterDump() {}

    /**
     * Writes {@code dir/name.bin} and {@code dir/name.json}, each through a temporary file.
     *
     * @param block the initialised block
     * @param input the input values, row-major
     * @param inputShape the input shape
     * @param dir the folder
     * @param name the base file name
     * @throws IOException if a file cannot be written
     */
    static void write(Block block, float[] input, Shape inputShape, Path dir, String name)
            throws IOException {
        List<Map<String, Object>> tensors = new ArrayList<>();
        Path bin = dir.resolve(name + ".bin");
        AtomicOutput.write(
                bin,
                out -> {
                    for (Pair<String, Parameter> p : block.getParameters()) {
                        float[] v = p.getValue().getArray().toFloatArray();
                        write(out, v);
                        Map<String, Object> t = new LinkedHashMap<>();
                        t.put("name", p.getKey());
                        t.put("shape", p.getValue().getArray().getShape().getShape());
                        tensors.add(t);
                    }
                    write(out, input);
                });
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("tensors", tensors);
        manifest.put("input_shape", inputShape.getShape());
        Path json = dir.resolve(name + ".json");
        AtomicOutput.writeString(json, new Gson().toJson(manifest));
    }

    private static void write(OutputStream out, float[] v) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(v);
        out.write(b.array());
    }
}
