package io.github.keypoints.models;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.util.Pair;
import java.lang.reflect.Field;
import java.lang.reflect.Method;

/** Reads how libtorch lays out a tensor in memory, for the channels-last tests. */
final class TorchLayout {
    private TorchLayout() {}

    /** libtorch's {@code is_contiguous()}, which DJL keeps package-private. */
    static boolean isContiguous(NDArray array) {
        try {
            Class<?> library = Class.forName("ai.djl.pytorch.jni.PyTorchLibrary");
            Field lib = library.getDeclaredField("LIB");
            lib.setAccessible(true);
            Method isContiguous = library.getDeclaredMethod("torchIsContiguous", long.class);
            isContiguous.setAccessible(true);
            return (Boolean) isContiguous.invoke(lib.get(null), ((PtNDArray) array).getHandle());
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("DJL's PyTorchLibrary.torchIsContiguous is not reachable", e);
        }
    }

    /**
     * Counts the 4-D parameters of {@code block} whose layout can be told apart (more than one
     * input channel, a kernel larger than 1×1) and are not contiguous, that is channels-last.
     *
     * @return {@code {channels-last, distinguishable}}
     */
    static int[] channelsLastWeights(Block block) {
        int laidOut = 0;
        int distinguishable = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            NDArray w = p.getValue().getArray();
            long[] s = w.getShape().getShape();
            if (s.length == 4 && s[1] > 1 && s[2] * s[3] > 1) {
                distinguishable++;
                if (!isContiguous(w)) {
                    laidOut++;
                }
            }
        }
        return new int[] {laidOut, distinguishable};
    }
}
