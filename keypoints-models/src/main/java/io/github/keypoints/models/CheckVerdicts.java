package io.github.keypoints.models;

import ai.djl.engine.Engine;
import io.github.keypoints.data.io.AtomicOutput;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The start-up checks' right verdicts ({@link ConvolutionCheck}, and the matrix-product check after
 * the library adjusts a BLAS, {@link ProductCheck}), kept on disk so that a later JVM on the same
 * machine, with the same native libraries and settings, does not compare the same values again: the
 * convolution comparison adds 0.2–1.2 s to a network's first output in every JVM
 * (docs/performance.md, "The start-up check's verdicts kept across JVMs"), reading a kept verdict a
 * few milliseconds.
 *
 * <p>A verdict is kept under everything that decides which kernels oneDNN runs and what the check
 * compares: the CPU as {@code /proc/cpuinfo} describes it (vendor, family, model, stepping,
 * microcode, flags) and its count of processors, the operating system and its kernel, the native
 * libraries of the engines and of OpenMP the process has loaded (path, size, modification time),
 * the engine and its version, DJL's version, the cache sizes oneDNN holds once the library has
 * corrected them ({@link TorchOneDnnCaches}), what the MKL adjustment did, every environment
 * variable of oneDNN, OpenMP and MKL ({@code ONEDNN_*}, {@code DNNL_*}, {@code OMP_*}, {@code
 * GOMP_*}, {@code KMP_*}, {@code MKL_*}), every {@code keypoints.*} and {@code ai.djl.*} system
 * property, the check's own code (where the checking class was loaded from: its jar, or its class
 * file, with size and modification time), and what is compared (the convolutions and layout, or the
 * products' sizes). Any difference is a new key, and the check runs. Only right verdicts are kept:
 * a wrong one is found again in every JVM, which then runs the network in the other layout or
 * stops, as without this store. On this project's machines the wrong kernels were the same in every
 * repeat, idle and loaded (docs/performance.md), which is what makes a verdict worth keeping; the
 * launcher keeps its choice of oneDNN level per CPU on the same ground.
 *
 * <p>Where: {@value #DIR_PROPERTY} if set, else {@code $XDG_CACHE_HOME/keypoints}, else {@code
 * ~/.cache/keypoints} (where the launcher keeps its level), one small file per verdict, written
 * atomically. A directory that cannot be written only means the check runs again next time. {@code
 * -D}{@value #PROPERTY}{@code =false} neither reads nor writes verdicts, so every JVM runs the
 * comparison, as before this store; deleting the files has the same effect once.
 */
final class CheckVerdicts {

    /** Whether to keep and reuse right verdicts ({@code true} unless set to {@code false}). */
    static final String PROPERTY = "keypoints.convolution.check.cache";

    /** The directory verdicts are kept in, where not the default. */
    static final String DIR_PROPERTY = "keypoints.cacheDir";

    /** The first line of every key; changes when what a key holds changes. */
    private static final String VERSION = "keypoints convolution check verdict 1";

    private static final String RIGHT = "right";

    private static final List<String> ENV_PREFIXES =
            List.of("ONEDNN_", "DNNL_", "OMP_", "GOMP_", "KMP_", "MKL_");

    private static final List<String> PROPERTY_PREFIXES = List.of("keypoints.", "ai.djl.");

    /** Properties that say where or whether verdicts are kept, not what the kernels do. */
    private static final Set<String> NOT_IN_KEY = Set.of(PROPERTY, DIR_PROPERTY);

    private static final Logger LOG = LoggerFactory.getLogger(CheckVerdicts.class);

    private static volatile String machine;

    private CheckVerdicts() {}

    /**
     * Whether verdicts are kept and reused ({@value #PROPERTY}).
     *
     * @return false only if the property is {@code false}
     */
    static boolean enabled() {
        return !System.getProperty(PROPERTY, "true").strip().equalsIgnoreCase("false");
    }

    /**
     * The directory verdicts are kept in.
     *
     * @return {@value #DIR_PROPERTY}, else {@code $XDG_CACHE_HOME/keypoints}, else {@code
     *     ~/.cache/keypoints}
     */
    static Path directory() {
        String dir = System.getProperty(DIR_PROPERTY, "");
        if (!dir.isBlank()) {
            return Path.of(dir.strip());
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg.strip(), "keypoints");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "keypoints");
    }

    /**
     * The full key of one check: this machine and JVM's settings now, then {@code check}. Asked
     * after the library's native adjustments ({@code NativeTuning}), so the cache sizes are those
     * the kernels use.
     *
     * @param engine the engine the check runs on
     * @param check what the check compares (its convolutions and layout, and what runs them)
     * @return the key's text, one item per line
     */
    static String key(String engine, String check) {
        return key(engine, check, ConvolutionCheck.class);
    }

    /**
     * The full key of one check run by {@code checker}'s code: as {@link #key(String, String)},
     * with where {@code checker}'s code was loaded from in place of {@link ConvolutionCheck}'s.
     *
     * @param engine the engine the check runs on
     * @param check what the check compares
     * @param checker the class whose code compares
     * @return the key's text, one item per line
     */
    static String key(String engine, String check, Class<?> checker) {
        // Loops, not lambdas and streams: a JVM's first key would pay for bootstrapping each one
        // (docs/performance.md, "Start-up without first-time costs").
        StringBuilder k = new StringBuilder(4096).append(VERSION).append('\n');
        k.append(machine()).append('\n');
        k.append("engine ").append(engine).append(' ').append(engineVersion(engine)).append('\n');
        k.append("djl ").append(Engine.getDjlVersion()).append('\n');
        for (String library : nativeLibraries()) {
            k.append("native ").append(library).append('\n');
        }
        if ("PyTorch".equals(engine)) {
            Optional<int[]> caches = TorchOneDnnCaches.fields();
            k.append("onednn caches ")
                    .append(caches.isPresent() ? Arrays.toString(caches.get()) : "unknown")
                    .append('\n');
            k.append("mkl ").append(TorchMklDispatch.outcome()).append('\n');
        }
        TreeMap<String, String> env = new TreeMap<>();
        for (Map.Entry<String, String> e : System.getenv().entrySet()) {
            if (startsWithAny(e.getKey(), ENV_PREFIXES)) {
                env.put(e.getKey(), e.getValue());
            }
        }
        for (Map.Entry<String, String> e : env.entrySet()) {
            k.append("env ").append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        TreeMap<String, String> properties = new TreeMap<>();
        for (String name : System.getProperties().stringPropertyNames()) {
            if (startsWithAny(name, PROPERTY_PREFIXES) && !NOT_IN_KEY.contains(name)) {
                properties.put(name, System.getProperty(name));
            }
        }
        for (Map.Entry<String, String> e : properties.entrySet()) {
            k.append("property ").append(e.getKey()).append('=').append(e.getValue()).append('\n');
        }
        k.append("check code ").append(checkCode(checker)).append('\n');
        k.append("check ").append(check).append('\n');
        return k.toString();
    }

    private static boolean startsWithAny(String name, List<String> prefixes) {
        for (String prefix : prefixes) {
            if (name.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /**
     * A check's answer: the right answer if a right verdict is kept under the key, else what {@code
     * compare} answers now, whose verdict is then kept if right. With {@value #PROPERTY} {@code
     * false}, {@code compare}'s answer, nothing read or kept.
     *
     * @param <T> the check's answer
     * @param key the key, computed only when verdicts are kept ({@link #key})
     * @param compare runs the comparison
     * @param right whether an answer is the right verdict
     * @param rightAnswer the answer a kept right verdict stands for
     * @return the answer
     */
    static <T> T reuseOrCompare(
            Supplier<String> key, Supplier<T> compare, Predicate<T> right, T rightAnswer) {
        if (!enabled()) {
            return compare.get();
        }
        String k = key.get();
        if (isRight(k)) {
            return rightAnswer;
        }
        T answer = compare.get();
        if (right.test(answer)) {
            recordRight(k);
        }
        return answer;
    }

    /**
     * Whether a right verdict is kept under {@code key}.
     *
     * @param key a key from {@link #key}
     * @return true if the file for the key holds exactly that key and the verdict right
     */
    static boolean isRight(String key) {
        Path file = file(key);
        try {
            return Files.isRegularFile(file)
                    && Files.readString(file, StandardCharsets.UTF_8).equals(key + RIGHT + '\n');
        } catch (IOException | RuntimeException e) {
            LOG.debug("could not read the convolution check's verdict {}: {}", file, e.toString());
            return false;
        }
    }

    /**
     * Keeps a right verdict under {@code key}, atomically; on any failure (a read-only directory, a
     * full disk) nothing is kept and the check runs again in the next JVM.
     *
     * @param key a key from {@link #key}
     */
    static void recordRight(String key) {
        Path file = file(key);
        try {
            AtomicOutput.writeString(file, key + RIGHT + '\n');
            LOG.debug("kept the convolution check's right verdict in {}", file);
        } catch (IOException | RuntimeException e) {
            LOG.debug(
                    "could not keep the convolution check's verdict in {}: {}", file, e.toString());
        }
    }

    /**
     * The file a key's verdict is kept in: named by the key's SHA-256 digest.
     *
     * @param key a key from {@link #key}
     * @return the file in {@link #directory()}
     */
    static Path file(String key) {
        return directory()
                .resolve("convolution-check-" + digest(key.getBytes(StandardCharsets.UTF_8)));
    }

    /** The CPU, the operating system and the processor count, read once per JVM. */
    private static String machine() {
        String m = machine;
        if (m == null) {
            StringBuilder b = new StringBuilder();
            b.append("os ")
                    .append(System.getProperty("os.name"))
                    .append(' ')
                    .append(System.getProperty("os.version"))
                    .append(' ')
                    .append(System.getProperty("os.arch"));
            b.append("\nprocessors ").append(Runtime.getRuntime().availableProcessors());
            for (String line : cpuInfo()) {
                b.append("\ncpu ").append(line);
            }
            m = b.toString();
            machine = m;
        }
        return m;
    }

    /** The first processor's description lines that name the CPU and its features. */
    private static List<String> cpuInfo() {
        List<String> wanted =
                List.of(
                        "vendor_id",
                        "cpu family",
                        "model",
                        "model name",
                        "stepping",
                        "microcode",
                        "flags");
        List<String> found = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.isBlank()) {
                    break; // the first processor only
                }
                int colon = line.indexOf(':');
                if (colon > 0 && wanted.contains(line.substring(0, colon).strip())) {
                    found.add(
                            line.substring(0, colon).strip()
                                    + ": "
                                    + line.substring(colon + 1).strip());
                }
            }
        } catch (IOException | RuntimeException e) {
            found.add("unknown (" + e + ")");
        }
        return found;
    }

    /**
     * The engines' native libraries this process has loaded ({@code libtorch*}, {@code libmxnet*},
     * {@code libgomp*}, {@code libiomp*}), each with its size and modification time, from {@code
     * /proc/self/maps}: a libtorch of another build under the same version number is another key.
     */
    private static List<String> nativeLibraries() {
        TreeSet<String> found = new TreeSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
                int slash = line.indexOf('/');
                if (slash < 0) {
                    continue;
                }
                String path = line.substring(slash).strip();
                String name = path.substring(path.lastIndexOf('/') + 1);
                if (name.startsWith("libtorch")
                        || name.startsWith("libmxnet")
                        || name.startsWith("libgomp")
                        || name.startsWith("libiomp")) {
                    found.add(path);
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of("unknown (" + e + ")");
        }
        List<String> described = new ArrayList<>();
        for (String path : found) {
            try {
                Path f = Path.of(path);
                described.add(
                        path + ' ' + Files.size(f) + ' ' + Files.getLastModifiedTime(f).toMillis());
            } catch (IOException | RuntimeException e) {
                described.add(path + " unknown");
            }
        }
        return described;
    }

    private static String engineVersion(String engine) {
        try {
            return Engine.getEngine(engine).getVersion();
        } catch (RuntimeException e) {
            return "unknown";
        }
    }

    /**
     * Where {@code checker} was loaded from, as the file it came from (its jar, or its class file
     * in a directory) with that file's size and modification time, like the native libraries: a
     * rebuilt or replaced checker is another key. Read without opening the class file, whose first
     * read and digest in a JVM set up the class loader's URL and the digest machinery; where the
     * code source is no file (a jar inside another jar, for example), its class file's CRC-32C.
     */
    private static String checkCode(Class<?> checker) {
        URL location = null;
        try {
            location = checker.getProtectionDomain().getCodeSource().getLocation();
        } catch (RuntimeException e) {
            // no code source: "unknown" below
        }
        String where = location == null ? "unknown" : location.toString();
        try {
            if (location != null) {
                Path source = Path.of(location.toURI());
                if (Files.isDirectory(source)) {
                    source = source.resolve(checker.getName().replace('.', '/') + ".class");
                }
                return where
                        + ' '
                        + Files.size(source)
                        + ' '
                        + Files.getLastModifiedTime(source).toMillis();
            }
        } catch (IOException | URISyntaxException | RuntimeException e) {
            // not a file: the class file's bytes
        }
        try (InputStream in = checker.getResourceAsStream(checker.getSimpleName() + ".class")) {
            if (in == null) {
                return where + " unknown";
            }
            CRC32C crc = new CRC32C();
            crc.update(in.readAllBytes());
            return where + " crc32c " + Long.toHexString(crc.getValue());
        } catch (IOException e) {
            return where + " unknown";
        }
    }

    /**
     * The SHA-256 digest of {@code bytes}, in hexadecimal: how the library's cache files are named.
     *
     * @param bytes what to digest
     * @return 64 hexadecimal digits
     */
    static String digest(byte[] bytes) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
                    .toLowerCase(Locale.ROOT);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
