package io.github.keypoints.models;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The native-memory settings the project's speeds are measured with, and a one-time warning when a
 * process runs without them.
 *
 * <p>The engines allocate their big tensors afresh on every pass. With glibc's defaults that memory
 * is handed back to the kernel and faulted in again, pass after pass: on our AMD EPYC machine the
 * MXNet heatmap network's batch-1 pass took 47–77 ms without the glibc settings and 21–24 ms with
 * them (docs/performance.md, "One glibc arena"). glibc reads {@code GLIBC_TUNABLES} once, when the
 * process starts, so they have to be in the environment of the JVM: the {@code keypoints} launcher
 * and the test builds set them; your own program has to be started with them:
 *
 * <pre>
 * export GLIBC_TUNABLES=glibc.malloc.hugetlb=1:glibc.malloc.mmap_threshold=33554432:glibc.malloc.mmap_max=0:glibc.malloc.trim_threshold=4294967296:glibc.malloc.arena_max=1
 * </pre>
 *
 * <p>They change speed and memory held, never a value. The memory held: since {@code mmap_max=0}
 * even blocks above 32 MB come from glibc's heap (a batch-32 training step of the 58-point network
 * allocates activations of up to 173 MB each pass), and up to 4 GB of free heap is kept for the
 * next pass rather than handed back, so a process keeps up to 4 GB of native memory it no longer
 * uses; set a smaller {@code glibc.malloc.trim_threshold} to bound that. The detector and the
 * trainer call {@link #warnOnceIfMissing()} when they are built: on Linux, if the environment lacks
 * any of them, one warning per JVM names what is missing. A value you chose yourself (another
 * {@code arena_max}, say) counts as set.
 *
 * <p>On MXNet they also check {@value #MXNET_CPU_PARALLEL_SIZE} ({@link
 * #warnOnceIfMxNetCopiesUseOpenMp(String)}): not a memory setting, but like these one that only the
 * JVM's environment can give.
 */
public final class NativeMemorySettings {

    private static final Logger LOG = LoggerFactory.getLogger(NativeMemorySettings.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();
    private static final AtomicBoolean WARNED_MXNET = new AtomicBoolean();

    /** The glibc tunables and the values the launcher sets, in launcher order. */
    private static final Map<String, String> TUNABLES = new LinkedHashMap<>();

    static {
        TUNABLES.put("glibc.malloc.hugetlb", "1");
        TUNABLES.put("glibc.malloc.mmap_threshold", "33554432");
        TUNABLES.put("glibc.malloc.mmap_max", "0");
        TUNABLES.put("glibc.malloc.trim_threshold", "4294967296");
        TUNABLES.put("glibc.malloc.arena_max", "1");
    }

    /** The {@code GLIBC_TUNABLES} value the launcher uses when you set none. */
    public static final String GLIBC_TUNABLES = join(TUNABLES);

    /**
     * libtorch's own switch for 2 MB-aligned tensors of 2 MB or more in huge pages. Not one of the
     * settings: with {@code glibc.malloc.hugetlb=1} glibc's heap is in huge pages already, and the
     * 2 MB alignment only fragmented it. The 58-point training step at batch 32 then held 3.8–4.3
     * GiB instead of 2.6–2.9 GiB and the 58-point epoch 1.6–1.8 GiB instead of 1.2 GiB, for no gain
     * in speed (docs/performance.md, "libtorch's own huge-page switch"). The launcher leaves it
     * unset since then; set it to 1 yourself only where glibc's huge pages are off.
     */
    public static final String THP_MEM_ALLOC_ENABLE = "THP_MEM_ALLOC_ENABLE";

    /**
     * MXNet's size, in values, from which it copies an array with an OpenMP loop on the calling
     * thread (MXNet's default: 200,000).
     */
    public static final String MXNET_CPU_PARALLEL_SIZE = "MXNET_CPU_PARALLEL_SIZE";

    /**
     * The {@value #MXNET_CPU_PARALLEL_SIZE} the launcher sets: every copy a plain {@code memcpy},
     * so MXNet's OpenMP threads stay in one pool, its engine thread's (docs/inference.md, "MXNet:
     * export MXNET_CPU_PARALLEL_SIZE").
     */
    public static final String MXNET_CPU_PARALLEL_SIZE_VALUE = "1000000000";

    private NativeMemorySettings() {}

    /**
     * Whether a process on {@code engine} lacks {@value #MXNET_CPU_PARALLEL_SIZE}: only MXNet reads
     * it, and a value the user chose counts as set.
     *
     * @param engine the engine's name
     * @param mxnetCpuParallelSize the value of {@value #MXNET_CPU_PARALLEL_SIZE}, or null if unset
     * @return whether the setting is missing for that engine
     */
    public static boolean lacksMxNetCopySetting(String engine, String mxnetCpuParallelSize) {
        return "MXNet".equals(engine) && mxnetCpuParallelSize == null;
    }

    /**
     * Warns once per JVM if a network runs on MXNet without {@value #MXNET_CPU_PARALLEL_SIZE} in
     * the environment. With MXNet's default, copying a network's parameters or a large input from
     * Java runs an OpenMP loop on the Java thread; the process then holds a second OpenMP pool
     * beside the engine thread's, and every later operation wakes its worker with a system call
     * (small networks' batch-1 passes up to 1.9× as long on our test machine). MXNet reads the
     * variable from the environment, so only the JVM's start can set it.
     *
     * @param engine the engine a network is about to run on
     */
    public static void warnOnceIfMxNetCopiesUseOpenMp(String engine) {
        if (WARNED_MXNET.get()
                || !lacksMxNetCopySetting(engine, System.getenv(MXNET_CPU_PARALLEL_SIZE))
                || !WARNED_MXNET.compareAndSet(false, true)) {
            return;
        }
        LOG.warn(
                "{} is not set: MXNet copies large arrays with an OpenMP loop on the calling"
                        + " thread, which gives the process a second OpenMP thread pool and makes"
                        + " every later operation wake its worker with a system call (small"
                        + " networks' batch-1 passes up to 1.9x as long on our test machine). Start"
                        + " the JVM with {}={} (docs/inference.md).",
                MXNET_CPU_PARALLEL_SIZE,
                MXNET_CPU_PARALLEL_SIZE,
                MXNET_CPU_PARALLEL_SIZE_VALUE);
    }

    /**
     * The settings a process environment lacks.
     *
     * @param glibcTunables the value of {@code GLIBC_TUNABLES}, or null if unset
     * @return {@code name=value} of every recommended setting not named there, empty if none
     */
    public static List<String> missing(String glibcTunables) {
        List<String> named = new ArrayList<>();
        if (glibcTunables != null) {
            for (String part : glibcTunables.split(":")) {
                int eq = part.indexOf('=');
                named.add((eq < 0 ? part : part.substring(0, eq)).trim());
            }
        }
        List<String> out = new ArrayList<>();
        TUNABLES.forEach(
                (name, value) -> {
                    if (!named.contains(name)) {
                        out.add(name + "=" + value);
                    }
                });
        return out;
    }

    /**
     * On Linux, warns once per JVM if this process's environment lacks any of the settings; does
     * nothing elsewhere or once it has warned.
     */
    public static void warnOnceIfMissing() {
        if (WARNED.get()
                || !System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return;
        }
        List<String> missing = missing(System.getenv("GLIBC_TUNABLES"));
        if (!missing.isEmpty() && WARNED.compareAndSet(false, true)) {
            LOG.warn(
                    "native memory settings missing from this JVM's environment: {}. Without"
                            + " them the engines may fault their tensors in afresh on every pass"
                            + " (the MXNet heatmap network's pass: 47-77 ms instead of 21-24 ms on"
                            + " our test machine). Start the JVM with GLIBC_TUNABLES={}"
                            + " (docs/performance.md, \"One glibc arena\").",
                    missing,
                    GLIBC_TUNABLES);
        }
    }

    private static String join(Map<String, String> tunables) {
        StringBuilder b = new StringBuilder();
        tunables.forEach(
                (name, value) -> {
                    if (b.length() > 0) {
                        b.append(':');
                    }
                    b.append(name).append('=').append(value);
                });
        return b.toString();
    }
}
