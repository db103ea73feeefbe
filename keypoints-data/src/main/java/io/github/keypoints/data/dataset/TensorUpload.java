package io.github.keypoints.data.dataset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Copies a Java {@code float[]} into a new engine tensor through a direct buffer that each thread
 * reuses.
 *
 * <p>Why: DJL's {@code NDManager.create(FloatBuffer.wrap(values), shape)} allocates a fresh direct
 * {@link ByteBuffer} for every call when the buffer is on the Java heap (PyTorch and MXNet alike),
 * and a direct buffer's native memory is released only when the garbage collector finds it. A
 * training loop that makes little Java garbage therefore grows its resident memory by about one
 * batch of inputs a step until a collection happens: 258 MB over 950 nose-tip steps (288 kB of
 * inputs each) on PyTorch (docs/training.md, "Memory"). Here each thread keeps one direct buffer,
 * grown to the largest tensor it has uploaded (up to {@value #MAX_KEPT_BYTES} bytes; larger tensors
 * get a one-off buffer, as in DJL), and the new tensor holds a copy of its own before this method
 * returns, so the buffer is free again for the next call.
 *
 * <p>Thread-safe: every thread has its own buffer. A thread keeps its buffer until it ends.
 */
public final class TensorUpload {

    /** The largest buffer a thread keeps between calls, in bytes (32 MiB). */
    public static final int MAX_KEPT_BYTES = 32 << 20;

    private static final ThreadLocal<ByteBuffer[]> STAGING =
            ThreadLocal.withInitial(() -> new ByteBuffer[1]);

    private TensorUpload() {}

    /**
     * Creates a {@code float32} tensor of the given shape holding a copy of {@code values}.
     *
     * @param manager the manager that owns the new tensor
     * @param values the values in row-major order; not kept
     * @param shape the tensor's shape; its size must equal {@code values.length}
     * @return the new tensor, owned by {@code manager}
     * @throws IllegalArgumentException if the shape does not hold {@code values.length} values
     */
    public static NDArray floats(NDManager manager, float[] values, Shape shape) {
        if (shape.size() != values.length) {
            throw new IllegalArgumentException(
                    "shape "
                            + shape
                            + " holds "
                            + shape.size()
                            + " values, the array has "
                            + values.length);
        }
        int bytes = Math.multiplyExact(values.length, Float.BYTES);
        ByteBuffer staging = staging(bytes);
        staging.clear();
        staging.asFloatBuffer().put(values);
        staging.limit(bytes);
        if ("MXNet".equals(manager.getEngine().getEngineName())) {
            // MXNet copies out of a direct buffer before set returns (MXNDArraySyncCopyFromCPU).
            NDArray array = manager.create(shape, DataType.FLOAT32);
            try {
                array.set(staging);
            } catch (RuntimeException e) {
                array.close();
                throw e;
            }
            return array;
        }
        // PyTorch's tensors over a direct buffer, from create and from set alike, share its memory
        // instead of copying it: the view is cloned into memory of the tensor's own and closed
        // before the buffer is reused.
        try (NDArray view = manager.create(staging, shape, DataType.FLOAT32)) {
            return view.duplicate();
        }
    }

    private static ByteBuffer staging(int bytes) {
        if (bytes > MAX_KEPT_BYTES) {
            return ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        }
        ByteBuffer[] slot = STAGING.get();
        if (slot[0] == null || slot[0].capacity() < bytes) {
            slot[0] = ByteBuffer.allocateDirect(bytes).order(ByteOrder.nativeOrder());
        }
        return slot[0];
    }
}
