package io.github.keypoints.models;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.util.NativeResource;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The memory of an MXNet array on the CPU, seen directly from Java: a {@link FloatBuffer} over the
 * array's own bytes, without a copy, after MXNet's asynchronous engine has finished the work
 * pending on it. What DJL's API offers instead, {@code toByteBuffer} and {@code set}, copies the
 * whole array out and back in through a buffer allocated for each call; for an optimiser that reads
 * and writes a large weight once per step that is most of its time.
 *
 * <p>How: {@code MXNDArrayWaitToWrite} (or {@code WaitToRead}, for a view only read) waits until
 * every operation MXNet's engine has queued on the array has run; {@code MXNDArrayGetData} then
 * gives its data pointer, first converting an array held in one of oneDNN's blocked layouts back to
 * the plain row-major one (MXNet's own C API does that). The view stays valid as long as the array
 * is neither closed nor given to an MXNet operation: the caller uses it at once and queues nothing
 * on the array meanwhile.
 *
 * <p>Only for dense {@code float32} MXNet arrays on the CPU ({@link #appliesTo}); anything else, or
 * a process where libmxnet cannot be found among its mapped files, gets {@link Optional#empty()}
 * from {@link #library()} and callers keep DJL's path. Thread-safe.
 */
public final class MxArrayMemory {

    private static final Logger LOG = LoggerFactory.getLogger(MxArrayMemory.class);
    private static final String MXNET = "MXNet";
    private static volatile Optional<NativeLibrary> library;

    /** Where {@code MXNDArrayGetData} writes its pointer, one per thread. */
    private static final ThreadLocal<Memory> OUT = ThreadLocal.withInitial(() -> new Memory(8));

    private MxArrayMemory() {}

    /**
     * Whether {@link #view} can see {@code array}: a dense {@code float32} MXNet array on the CPU.
     *
     * @param array any array
     * @return whether it is one
     */
    public static boolean appliesTo(NDArray array) {
        return MXNET.equals(array.getManager().getEngine().getEngineName())
                && Device.Type.CPU.equals(array.getDevice().getDeviceType())
                && array.getDataType() == DataType.FLOAT32
                && array.getSparseFormat() == SparseFormat.DENSE
                && array instanceof NativeResource<?> r
                && r.getHandle() instanceof Pointer;
    }

    /**
     * Whether the loaded libmxnet was found, so that {@link #view} works.
     *
     * @return whether views are possible in this process
     */
    public static boolean available() {
        return library().isPresent();
    }

    /**
     * A view of the array's memory, its values in row-major order, once MXNet's engine has finished
     * every operation queued on it (and, with {@code write}, every read of it too).
     *
     * @param array a dense {@code float32} MXNet array on the CPU ({@link #appliesTo})
     * @param write whether the caller will write through the view
     * @return the view, of {@code array.size()} values, position 0
     * @throws IllegalArgumentException if {@link #appliesTo} is false for the array
     * @throws IllegalStateException if libmxnet is not found or MXNet reports an error
     */
    public static FloatBuffer view(NDArray array, boolean write) {
        if (!appliesTo(array)) {
            throw new IllegalArgumentException(
                    "not a dense float32 MXNet array on the CPU: "
                            + array.getManager().getEngine().getEngineName()
                            + " "
                            + array.getDataType()
                            + " on "
                            + array.getDevice());
        }
        if (library().isEmpty()) {
            throw new IllegalStateException(
                    "libmxnet is not among this process's mapped libraries");
        }
        Pointer handle = (Pointer) ((NativeResource<?>) array).getHandle();
        check(
                write ? Calls.MXNDArrayWaitToWrite(handle) : Calls.MXNDArrayWaitToRead(handle),
                write ? "MXNDArrayWaitToWrite" : "MXNDArrayWaitToRead");
        Memory out = OUT.get();
        check(Calls.MXNDArrayGetData(handle, out), "MXNDArrayGetData");
        Pointer data = out.getPointer(0);
        long values = array.size();
        if (data == null) {
            throw new IllegalStateException("MXNet gave no data pointer for an array of " + values);
        }
        return data.getByteBuffer(0, values * Float.BYTES)
                .order(ByteOrder.nativeOrder())
                .asFloatBuffer();
    }

    private static void check(int rc, String function) {
        if (rc != 0) {
            throw new IllegalStateException(function + " failed: " + Calls.MXGetLastError());
        }
    }

    /**
     * The four functions of MXNet's C API this class calls, bound directly to the loaded libmxnet
     * ({@link Native#register}): a call costs about a microsecond, against tens through JNA's
     * reflective {@code Function.invoke}, and a step calls them four times per parameter.
     */
    private static final class Calls {
        private Calls() {}

        static native int MXNDArrayWaitToRead(Pointer handle);

        static native int MXNDArrayWaitToWrite(Pointer handle);

        static native int MXNDArrayGetData(Pointer handle, Pointer out);

        static native String MXGetLastError();
    }

    private static Optional<NativeLibrary> library() {
        Optional<NativeLibrary> lib = library;
        if (lib == null) {
            synchronized (MxArrayMemory.class) {
                lib = library;
                if (lib == null) {
                    lib = find();
                    library = lib;
                }
            }
        }
        return lib;
    }

    private static Optional<NativeLibrary> find() {
        try {
            Engine.getEngine(MXNET);
            Optional<NativeLibrary> lib =
                    MappedLibraries.find("/libmxnet.so").map(MappedLibraries::open);
            lib.ifPresent(l -> Native.register(Calls.class, l));
            return lib;
        } catch (IOException | RuntimeException | LinkageError e) {
            LOG.debug("libmxnet not found: {}", e.toString());
            return Optional.empty();
        }
    }
}
