package io.github.keypoints.examples;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The options every side-by-side benchmark shares: which DJL engines to time, how many CPU threads
 * both sides get, and which Python and reference script time the same work.
 */
final class BenchSides {

    @Option(
            names = "--engines",
            defaultValue = "PyTorch,MXNet",
            split = ",",
            description = "Engines (default ${DEFAULT-VALUE}).")
    List<String> engines;

    @Option(
            names = "--threads",
            description =
                    "CPU threads for both sides (default: all cores). MXNet follows"
                            + " OMP_NUM_THREADS, which ./keypoints sets from KEYPOINTS_THREADS.")
    Integer threads;

    @Option(
            names = "--python",
            defaultValue = "/usr/bin/python3",
            description = "Python with torch (default ${DEFAULT-VALUE}).")
    String python;

    @Option(
            names = "--script",
            description =
                    "The Python reference script (default: the command's script in bench/ above"
                            + " the working folder).")
    Path script;

    @Option(names = "--json", description = "Print a JSON summary as the last line.")
    boolean json;

    /**
     * Checks the engines, sets the thread count of both engines, and returns it.
     *
     * @return the thread count both sides use
     */
    int setUp() {
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        EngineSetup.threads(n);
        for (String e : engines) {
            EngineSetup.requireEngine(e);
        }
        return n;
    }

    /**
     * Notes on standard error, when more than one engine is timed, that figures should come from
     * one engine per process: an engine timed in a process where the other engine's native library
     * has run reads slower.
     *
     * @param command the command's name for the message, such as {@code bench train}
     * @param measured what that did in this command's measurements, with where it is written up
     */
    void noteIfSeveralEngines(String command, String measured) {
        if (engines.size() > 1) {
            System.err.println(
                    command
                            + ": note: an engine's rows are timed in a process where the other"
                            + " engine's native library has run too; "
                            + measured
                            + ". For figures, time one engine per run: --engines "
                            + engines.get(0)
                            + ", then --engines "
                            + engines.get(1)
                            + ".");
        }
    }

    /**
     * Warns when MXNet is timed with a thread count other than {@code n}: MXNet reads {@code
     * OMP_NUM_THREADS} at start-up, which the launcher sets from {@code KEYPOINTS_THREADS}.
     *
     * @param command the command's name for the message, such as {@code bench infer}
     * @param n the thread count both sides should use
     */
    void warnIfMxnetThreadsDiffer(String command, int n) {
        String omp = System.getenv("OMP_NUM_THREADS");
        if (engines.contains("MXNet") && !Integer.toString(n).equals(omp)) {
            System.err.println(
                    command
                            + ": OMP_NUM_THREADS is "
                            + omp
                            + ", not "
                            + n
                            + "; MXNet's thread count follows it (run KEYPOINTS_THREADS="
                            + n
                            + " ./keypoints ...)");
        }
    }

    /**
     * The native settings that change the engines' speed, read from this process's environment (the
     * Python reference inherits it), as the benchmarks print them beside their tables: oneDNN's
     * level ({@code ONEDNN_MAX_CPU_ISA}), glibc's tunables ({@code GLIBC_TUNABLES}, where the
     * launcher asks for transparent huge pages with {@code glibc.malloc.hugetlb=1}), whether
     * libtorch itself backs tensors of 2 MB and more with huge pages ({@code THP_MEM_ALLOC_ENABLE})
     * and the kernel's huge-page mode (docs/performance.md); and MXNet's engine ({@code
     * MXNET_ENGINE_TYPE}; {@code null}: MXNet's default, {@code ThreadedEnginePerDevice}) and the
     * size from which MXNet copies with OpenMP on the calling thread ({@code
     * MXNET_CPU_PARALLEL_SIZE}; {@code null}: MXNet's 200,000; docs/performance-inference.md).
     *
     * @return for example {@code ONEDNN_MAX_CPU_ISA=SSE41 GLIBC_TUNABLES=glibc.malloc.hugetlb=1
     *     THP_MEM_ALLOC_ENABLE=null transparent_hugepage=madvise MXNET_ENGINE_TYPE=null
     *     MXNET_CPU_PARALLEL_SIZE=1000000000}
     */
    static String nativeSettings() {
        String thp;
        try {
            String mode = Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
            int from = mode.indexOf('[');
            int to = mode.indexOf(']');
            thp = from >= 0 && to > from ? mode.substring(from + 1, to) : mode.strip();
        } catch (IOException | RuntimeException e) {
            thp = "unknown";
        }
        return "ONEDNN_MAX_CPU_ISA="
                + System.getenv("ONEDNN_MAX_CPU_ISA")
                + " GLIBC_TUNABLES="
                + System.getenv("GLIBC_TUNABLES")
                + " THP_MEM_ALLOC_ENABLE="
                + System.getenv("THP_MEM_ALLOC_ENABLE")
                + " transparent_hugepage="
                + thp
                + " MXNET_ENGINE_TYPE="
                + System.getenv("MXNET_ENGINE_TYPE")
                + " MXNET_CPU_PARALLEL_SIZE="
                + System.getenv("MXNET_CPU_PARALLEL_SIZE");
    }

    /** The reference runner for this command's default script {@code bench/<name>}. */
    PythonTorchReference reference(String relative) {
        return new PythonTorchReference(python, script, relative);
    }
}
