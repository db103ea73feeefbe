package io.github.keypoints.examples;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Python PyTorch reference script run by a bench command: makes sure the interpreter has torch on
 * a fast BLAS (installing Debian's packages with apt-get when not), runs the script with the same
 * thread count as the Java side and parses the one JSON line it prints last.
 */
final class PythonTorchReference {

    /**
     * Debian's OpenBLAS built on OpenMP ({@code libopenblas0-openmp}), which the script loads
     * through {@code LD_LIBRARY_PATH}: without an OpenBLAS, torch runs on the netlib reference BLAS
     * (about 9 times slower), and with the pthreads build, Debian's default once installed, its own
     * threads compete with torch's OpenMP threads for the cores; on the project's 2-core AMD EPYC
     * that made batch-1 passes of the networks with large fully connected layers 1.3–2.1× as long
     * ({@code bench/blas_variants.py}, docs/performance-inference.md).
     */
    static final Path OPENBLAS_DIR = Path.of("/usr/lib/x86_64-linux-gnu/openblas-openmp");

    /** The BLAS library in {@link #OPENBLAS_DIR}. */
    static final Path OPENBLAS = OPENBLAS_DIR.resolve("libblas.so.3");

    /** The Debian package that provides {@link #OPENBLAS}. */
    static final String OPENBLAS_PACKAGE = "libopenblas0-openmp";

    private final String python;
    private final Path script;

    /**
     * Creates the reference.
     *
     * @param python the interpreter, {@code /usr/bin/python3} for Debian's packages
     * @param script the script, or {@code null} to look for {@code relative} above the working
     *     folder and above the compiled classes
     * @param relative the script's path inside the repository, such as {@code bench/x.py}
     */
    PythonTorchReference(String python, Path script, String relative) {
        this.python = python;
        this.script = script != null ? script : find(relative);
    }

    /** Returns the script that {@link #run} executes. */
    Path script() {
        return script;
    }

    /**
     * Installs {@code python3-torch} when {@code import torch} fails and {@value #OPENBLAS_PACKAGE}
     * when {@link #OPENBLAS} is missing, with {@code apt-get update} first.
     *
     * @throws IOException if an installation fails, naming the package
     * @throws InterruptedException if interrupted while waiting for a process
     */
    void ensureInstalled() throws IOException, InterruptedException {
        ensureInstalled(Map.of());
    }

    /**
     * As {@link #ensureInstalled()}, and installs the Debian package of each further module the
     * script imports when {@code import MODULE} fails.
     *
     * @param modules Python module name to the Debian package that provides it, such as {@code cv2}
     *     to {@code python3-opencv}
     * @throws IOException if an installation fails, naming the package
     * @throws InterruptedException if interrupted while waiting for a process
     */
    void ensureInstalled(Map<String, String> modules) throws IOException, InterruptedException {
        List<String> missing = new ArrayList<>();
        if (exec(List.of(python, "-c", "import torch"), null, Map.of()) != 0) {
            System.err.println(
                    "bench: " + python + " has no torch; installing Debian's python3-torch");
            missing.add("python3-torch");
        }
        for (Map.Entry<String, String> m : new java.util.TreeMap<>(modules).entrySet()) {
            if (exec(List.of(python, "-c", "import " + m.getKey()), null, Map.of()) != 0) {
                System.err.println(
                        "bench: "
                                + python
                                + " has no "
                                + m.getKey()
                                + "; installing Debian's "
                                + m.getValue());
                missing.add(m.getValue());
            }
        }
        if (!Files.exists(OPENBLAS)) {
            System.err.println(
                    "bench: "
                            + OPENBLAS
                            + " is missing, torch would run on the slow reference BLAS"
                            + " or on threads of its own; installing "
                            + OPENBLAS_PACKAGE);
            missing.add(OPENBLAS_PACKAGE);
        }
        if (missing.isEmpty()) {
            return;
        }
        exec(List.of("apt-get", "update"), null, Map.of());
        List<String> cmd = new ArrayList<>(List.of("apt-get", "install", "-y"));
        cmd.addAll(missing);
        if (exec(cmd, null, Map.of()) != 0) {
            throw new IOException(
                    String.join(" ", cmd) + " failed; install the package(s) and rerun");
        }
    }

    /**
     * Runs the script with {@code threads} CPU threads ({@code OMP_NUM_THREADS} and {@code
     * OPENBLAS_NUM_THREADS} set too), on the OpenMP OpenBLAS ({@link #OPENBLAS_DIR} first in {@code
     * LD_LIBRARY_PATH}), and parses the last line of its standard output. The script runs without
     * {@code ONEDNN_MAX_CPU_ISA} and {@code DNNL_MAX_CPU_ISA}: the Java side's cap works around
     * libtorch 2.7.1's wrong kernels on some CPUs, while Debian's torch (oneDNN 2.6) computes right
     * at its own default level there ({@code bench/conv_check.py}), which is how a Python user runs
     * it.
     *
     * @param threads the thread count
     * @param args the script's arguments
     * @return the JSON object the script printed last
     * @throws IOException if the script fails or prints no JSON line, with its exit code
     * @throws InterruptedException if interrupted while waiting
     */
    JsonObject run(int threads, List<String> args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
        cmd.addAll(args);
        Path outFile = Files.createTempFile("keypoints-bench", ".json");
        try {
            int rc = exec(cmd, outFile, UNSET, environment(threads));
            String text = Files.readString(outFile, StandardCharsets.UTF_8).trim();
            if (rc != 0 || text.isEmpty()) {
                throw new IOException(
                        String.join(" ", cmd) + " failed with exit code " + rc + ": " + text);
            }
            String last = text.substring(text.lastIndexOf('\n') + 1);
            try {
                return JsonParser.parseString(last).getAsJsonObject();
            } catch (RuntimeException e) {
                throw new IOException(
                        script + ": expected a JSON object as the last line, got: " + last, e);
            }
        } finally {
            Files.deleteIfExists(outFile);
        }
    }

    /**
     * Starts the script as {@link #run} does, with its standard input and output connected to this
     * process, for a script that answers requests after its JSON line (such as {@code
     * bench/infer_reference.py --serve}).
     *
     * @param threads the thread count
     * @param args the script's arguments
     * @return the running script, its JSON line read
     * @throws IOException if it cannot start or ends before printing a JSON object, with its exit
     *     code
     */
    Served serve(int threads, List<String> args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(python, script.toString()));
        cmd.addAll(args);
        Served served = new Served(start(builder(cmd, UNSET, environment(threads))), script);
        try {
            served.first = served.readJson();
        } catch (IOException | RuntimeException e) {
            served.close();
            throw e;
        }
        return served;
    }

    /**
     * A reference script running beside the Java side: its first JSON line, then one JSON line
     * answered per request line. {@link #close} ends its input and waits for it.
     */
    static final class Served implements AutoCloseable {
        private final Process process;
        private final Path script;
        private final BufferedReader out;
        private final Writer in;
        private JsonObject first;

        private Served(Process process, Path script) {
            this.process = process;
            this.script = script;
            this.out =
                    new BufferedReader(
                            new InputStreamReader(
                                    process.getInputStream(), StandardCharsets.UTF_8));
            this.in = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        /**
         * Returns the process id of the script, so a benchmark row can say which process timed it.
         */
        long pid() {
            return process.pid();
        }

        /** Returns the JSON object the script printed first. */
        JsonObject first() {
            return first;
        }

        /**
         * Sends one request line and returns the script's answer.
         *
         * @param request the line, without its line end
         * @return the JSON object the script answered with
         * @throws IOException if the script ended or answered with something else than JSON
         */
        JsonObject ask(String request) throws IOException {
            try {
                in.write(request + "\n");
                in.flush();
            } catch (IOException e) {
                throw new IOException(
                        script + " stopped reading before the request '" + request + "'", e);
            }
            return readJson();
        }

        private JsonObject readJson() throws IOException {
            String line = out.readLine();
            if (line == null) {
                int rc;
                try {
                    rc = process.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    rc = -1;
                }
                throw new IOException(script + " ended with exit code " + rc + " before answering");
            }
            try {
                return JsonParser.parseString(line).getAsJsonObject();
            } catch (RuntimeException e) {
                throw new IOException(script + ": expected a JSON object, got: " + line, e);
            }
        }

        @Override
        public void close() throws IOException {
            try {
                in.close();
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** What the script's process must not inherit: the Java side's oneDNN level ({@link #run}). */
    private static final List<String> UNSET = List.of("ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA");

    /** The script's thread counts and {@link #libraryPath}. */
    private static Map<String, String> environment(int threads) {
        String n = Integer.toString(threads);
        return Map.of(
                "OMP_NUM_THREADS",
                n,
                "OPENBLAS_NUM_THREADS",
                n,
                "MKL_NUM_THREADS",
                n,
                "LD_LIBRARY_PATH",
                libraryPath());
    }

    /** {@link #OPENBLAS_DIR}, then the caller's {@code LD_LIBRARY_PATH}, if any. */
    private static String libraryPath() {
        String inherited = System.getenv("LD_LIBRARY_PATH");
        return inherited == null || inherited.isBlank()
                ? OPENBLAS_DIR.toString()
                : OPENBLAS_DIR + ":" + inherited;
    }

    private static Path find(String relative) {
        List<Path> starts = new ArrayList<>();
        starts.add(Path.of("").toAbsolutePath());
        try {
            starts.add(
                    Path.of(
                            PythonTorchReference.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI()));
        } catch (URISyntaxException | RuntimeException e) {
            // No code location (unusual class loader): the working folder is the only start.
        }
        for (Path start : starts) {
            for (Path dir = start; dir != null; dir = dir.getParent()) {
                Path p = dir.resolve(relative);
                if (Files.isRegularFile(p)) {
                    return p;
                }
            }
        }
        throw new IllegalArgumentException(
                relative + " not found above the working folder or the classes; pass --script");
    }

    private static int exec(List<String> cmd, Path stdout, Map<String, String> env)
            throws IOException, InterruptedException {
        return exec(cmd, stdout, List.of(), env);
    }

    private static int exec(
            List<String> cmd, Path stdout, List<String> unset, Map<String, String> env)
            throws IOException, InterruptedException {
        ProcessBuilder pb = builder(cmd, unset, env);
        if (stdout != null) {
            pb.redirectOutput(stdout.toFile());
        } else {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        return start(pb).waitFor();
    }

    /** {@code cmd} with standard error inherited, {@code unset} removed and {@code env} set. */
    private static ProcessBuilder builder(
            List<String> cmd, List<String> unset, Map<String, String> env) {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().keySet().removeAll(unset);
        pb.environment().putAll(env);
        return pb;
    }

    private static Process start(ProcessBuilder pb) throws IOException {
        try {
            return pb.start();
        } catch (IOException e) {
            throw new IOException("cannot run " + pb.command().get(0) + ": " + e.getMessage(), e);
        }
    }
}
