package io.github.keypoints.examples;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keypoints bench onednn}: which oneDNN levels give right convolutions on this machine, idle
 * and under load, and how fast each is: PyTorch's ({@code ONEDNN_MAX_CPU_ISA}) by default, MXNet's
 * ({@code DNNL_MAX_CPU_ISA}, the name MXNet 1.9.1's older oneDNN reads) with {@code --engine
 * MXNet}. Each probe is a child JVM ({@link OneDnnProbe}), because the engine reads the variable
 * once, when it starts.
 */
@Command(
        name = "onednn",
        mixinStandardHelpOptions = true,
        description = {
            "For each oneDNN level (ONEDNN_MAX_CPU_ISA for PyTorch, DNNL_MAX_CPU_ISA for"
                    + " MXNet), in a child JVM: the engine's 3x3 convolution against"
                    + " plain Java (1-64 input channels, every output and 2048 input and 2048"
                    + " weight gradients each) and ResNet-18's convolutions (2048 outputs each), on"
                    + " PyTorch in both layouts; the library's rule decides (each kind of network in"
                    + " its preferred layout - channels-last above SSE41 - or, where that is wrong,"
                    + " the other; column 'layout'; MXNet's networks have the default layout only),"
                    + " the rest is shown for information; the 58-point"
                    + " (120x90) and nose-tip (80x60) networks run --passes times on one batch of 8"
                    + " (non-finite outputs, outputs that differ from the first pass, median"
                    + " forward ms), the nose-tip network's training pass (forward and backward,"
                    + " same weights) as often (non-finite gradients, gradients that differ from"
                    + " the first pass's), and on PyTorch the time of the library's start-up check"
                    + " (ConvolutionCheck) with the engine loaded, for a stack network and then"
                    + " for ResNet-18 on top. Each level"
                    + " runs idle and with a CPU-bound load the command starts and stops itself,"
                    + " --repeats times. Prints the CPU, a table, and the fastest level with no"
                    + " wrong, non-finite or differing result.",
            "Example: ./keypoints bench onednn --json",
            "Example: ./keypoints bench onednn --engine MXNet --json"
        })
final class BenchOneDnnCommand implements Callable<Integer> {

    @Option(
            names = "--isas",
            defaultValue = "ALL,AVX512_CORE,AVX2,SSE41",
            split = ",",
            description = "Levels to probe (default ${DEFAULT-VALUE}).")
    List<String> isas;

    @Option(
            names = "--repeats",
            defaultValue = "3",
            description = "Probes per level and condition (default ${DEFAULT-VALUE}).")
    int repeats;

    @Option(
            names = "--passes",
            defaultValue = "200",
            description =
                    "Forward passes per network, and nose-tip training passes, per probe (default"
                            + " ${DEFAULT-VALUE}).")
    int passes;

    @Option(names = "--threads", description = "Engine threads of each probe (default: all cores).")
    Integer threads;

    @Option(
            names = "--engine",
            defaultValue = "PyTorch",
            description = "PyTorch or MXNet (default ${DEFAULT-VALUE}).")
    String engine;

    @Option(names = "--json", description = "Print a JSON summary as the last line.")
    boolean json;

    @Spec CommandSpec spec;

    /** The sums over the repeats of one level in one condition. */
    private static final class Tally {
        long convWrong;
        long convChecked;
        long otherWrong;
        long otherChecked;
        String layout = "";
        long forwards;
        long nonFinite;
        long differing;
        long trainingPasses;
        long gradientNonFinite;
        long gradientDiffering;
        final List<Double> trainingMs = new ArrayList<>();
        final List<Double> ms = new ArrayList<>();
        final List<Double> noseMs = new ArrayList<>();
        final List<Double> checkMs = new ArrayList<>();
        final List<Double> resnetCheckMs = new ArrayList<>();
        final List<String> failing = new ArrayList<>();

        boolean clean() {
            return convWrong == 0
                    && nonFinite == 0
                    && differing == 0
                    && gradientNonFinite == 0
                    && gradientDiffering == 0;
        }

        double trainingMedianMs() {
            return median(trainingMs);
        }

        double medianMs() {
            return median(ms);
        }

        double noseMedianMs() {
            return median(noseMs);
        }

        double checkMedianMs() {
            return median(checkMs);
        }

        double resnetCheckMedianMs() {
            return median(resnetCheckMs);
        }

        private static double median(List<Double> values) {
            double[] s = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return s.length == 0 ? Double.NaN : s[s.length / 2];
        }
    }

    @Override
    public Integer call() throws Exception {
        if (repeats < 1 || passes < 2) {
            throw BenchCommand.bad(spec, "--repeats must be >= 1 and --passes >= 2");
        }
        if (!"PyTorch".equals(engine) && !"MXNet".equals(engine)) {
            throw BenchCommand.bad(spec, "--engine must be PyTorch or MXNet, got " + engine);
        }
        String variable = levelVariable(engine);
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        String cpu = cpuDescription();
        String loadBefore = loadAverage();
        System.err.println(
                "bench onednn: "
                        + engine
                        + " ("
                        + variable
                        + "), "
                        + cpu
                        + "; load average "
                        + loadBefore);
        Map<String, Tally> idle = new LinkedHashMap<>();
        Map<String, Tally> loaded = new LinkedHashMap<>();
        for (String isa : isas) {
            idle.put(isa, new Tally());
            loaded.put(isa, new Tally());
        }
        for (int r = 0; r < repeats; r++) {
            for (String isa : isas) {
                add(idle.get(isa), probe(isa, n));
                System.err.printf(
                        Locale.ROOT, "bench onednn: repeat %d, %s idle done%n", r + 1, isa);
            }
            AtomicBoolean running = new AtomicBoolean(true);
            Thread load = new Thread(() -> spin(running), "cpu-load");
            load.setDaemon(true);
            load.start();
            try {
                for (String isa : isas) {
                    add(loaded.get(isa), probe(isa, n));
                    System.err.printf(
                            Locale.ROOT, "bench onednn: repeat %d, %s loaded done%n", r + 1, isa);
                }
            } finally {
                running.set(false);
                load.join();
            }
        }
        String loadAfter = loadAverage();
        System.out.println(cpu);
        System.out.printf(
                Locale.ROOT,
                "%s, levels by %s; %d repeats x (convolution check + %d passes x 2 networks + %d"
                        + " training passes), %d thread(s); load average before %s, after %s%n",
                engine,
                variable,
                repeats,
                passes,
                passes,
                n,
                loadBefore,
                loadAfter);
        System.out.printf(
                Locale.ROOT,
                "%-12s %-7s %-13s %17s %17s %10s %10s %9s %9s %9s %9s %9s %10s%n",
                "isa",
                "load",
                "layout",
                "conv wrong",
                "other layout",
                "non-finite",
                "differing",
                "grad n-f",
                "grad diff",
                "imm58 ms",
                "nose ms",
                "check ms",
                "+resnet ms");
        List<Map<String, Object>> rows = new ArrayList<>();
        String fastest = null;
        double fastestMs = Double.POSITIVE_INFINITY;
        for (String isa : isas) {
            for (boolean busy : new boolean[] {false, true}) {
                Tally t = (busy ? loaded : idle).get(isa);
                System.out.printf(
                        Locale.ROOT,
                        "%-12s %-7s %-13s %7d/%-9d %7d/%-9d %10d %10d %9d %9d %9.2f %9.2f %9s %10s"
                                + "%s%n",
                        isa,
                        busy ? "loaded" : "idle",
                        t.layout,
                        t.convWrong,
                        t.convChecked,
                        t.otherWrong,
                        t.otherChecked,
                        t.nonFinite,
                        t.differing,
                        t.gradientNonFinite,
                        t.gradientDiffering,
                        t.medianMs(),
                        t.noseMedianMs(),
                        orDash(t.checkMedianMs()),
                        orDash(t.resnetCheckMedianMs()),
                        t.failing.isEmpty() ? "" : "  " + t.failing);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("isa", isa);
                row.put("load", busy ? "loaded" : "idle");
                row.put("layout", t.layout);
                row.put("conv_wrong", t.convWrong);
                row.put("conv_checked", t.convChecked);
                row.put("other_layout_wrong", t.otherWrong);
                row.put("other_layout_checked", t.otherChecked);
                row.put("forwards", t.forwards);
                row.put("non_finite", t.nonFinite);
                row.put("differing", t.differing);
                row.put("training_passes", t.trainingPasses);
                row.put("gradient_non_finite", t.gradientNonFinite);
                row.put("gradient_differing", t.gradientDiffering);
                row.put("nose_tip_training_ms", t.trainingMedianMs());
                row.put("imm58_forward_ms", t.medianMs());
                row.put("nose_tip_forward_ms", t.noseMedianMs());
                row.put("startup_check_ms", t.checkMedianMs());
                row.put("startup_check_resnet18_ms", t.resnetCheckMedianMs());
                row.put("failing", t.failing);
                rows.add(row);
            }
            Tally i = idle.get(isa);
            if (i.clean() && loaded.get(isa).clean() && i.medianMs() < fastestMs) {
                fastest = isa;
                fastestMs = i.medianMs();
            }
        }
        System.out.println(
                fastest == null
                        ? "no level was clean in every probe"
                        : "fastest level with no wrong, non-finite or differing result: "
                                + variable
                                + "="
                                + fastest);
        if (json) {
            new JsonSummary()
                    .put("engine", engine)
                    .put("variable", variable)
                    .put("cpu", cpu)
                    .put("threads", n)
                    .put("repeats", repeats)
                    .put("passes", passes)
                    .put("load_before", loadBefore)
                    .put("load_after", loadAfter)
                    .put("rows", rows)
                    .put("fastest_clean", fastest)
                    .print(System.out);
        }
        return fastest == null ? 1 : 0;
    }

    private static void add(Tally t, JsonObject r) {
        t.convWrong += r.get("conv_wrong").getAsLong();
        t.convChecked += r.get("conv_checked").getAsLong();
        t.otherWrong += r.get("other_layout_wrong").getAsLong();
        t.otherChecked += r.get("other_layout_checked").getAsLong();
        t.layout = r.get("conv_layout").getAsString();
        t.forwards += r.get("forwards").getAsLong();
        t.nonFinite += r.get("non_finite").getAsLong();
        t.differing += r.get("differing").getAsLong();
        t.trainingPasses += r.get("training_passes").getAsLong();
        t.gradientNonFinite += r.get("gradient_non_finite").getAsLong();
        t.gradientDiffering += r.get("gradient_differing").getAsLong();
        t.trainingMs.add(r.get("nose_tip_training_ms").getAsDouble());
        t.ms.add(r.get("imm58_ms").getAsDouble());
        t.noseMs.add(r.get("nose_tip_ms").getAsDouble());
        if (r.has("check_ms")) { // PyTorch's start-up check; MXNet has none
            t.checkMs.add(r.get("check_ms").getAsDouble());
            t.resnetCheckMs.add(r.get("check_resnet18_ms").getAsDouble());
        }
        if (!r.get("check_passed").getAsBoolean()) {
            t.failing.add("start-up check");
        }
        r.getAsJsonArray("conv_failing").forEach(e -> t.failing.add(e.getAsString()));
    }

    private static String orDash(double ms) {
        return Double.isNaN(ms) ? "-" : String.format(Locale.ROOT, "%.2f", ms);
    }

    /**
     * The environment variable that caps an engine's oneDNN level: {@code ONEDNN_MAX_CPU_ISA} for
     * PyTorch, {@code DNNL_MAX_CPU_ISA} for MXNet (its oneDNN predates the new name and reads the
     * old one only).
     *
     * @param engine PyTorch or MXNet
     * @return the variable's name
     */
    static String levelVariable(String engine) {
        return "MXNet".equals(engine) ? "DNNL_MAX_CPU_ISA" : "ONEDNN_MAX_CPU_ISA";
    }

    private static void spin(AtomicBoolean running) {
        long x = 1;
        while (running.get()) {
            for (int i = 0; i < 1_000_000; i++) {
                x = x * 6364136223846793005L + 1442695040888963407L;
            }
        }
        if (x == 42) {
            System.err.print("");
        }
    }

    private JsonObject probe(String isa, int n) throws IOException, InterruptedException {
        List<String> cmd =
                ComparingChild.command(
                        OneDnnProbe.class,
                        List.of(Integer.toString(passes), Integer.toString(n), engine));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().put(levelVariable(engine), isa);
        pb.environment().put("OMP_NUM_THREADS", Integer.toString(n));
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        String last = out.isBlank() ? "" : out.strip().lines().reduce((a, b) -> b).orElse("");
        if (code != 0 || !last.startsWith("{")) {
            throw new IllegalStateException(
                    "the probe for "
                            + levelVariable(engine)
                            + "="
                            + isa
                            + " failed (exit "
                            + code
                            + "): "
                            + out);
        }
        return JsonParser.parseString(last).getAsJsonObject();
    }

    static String cpuDescription() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
            String model =
                    lines.stream()
                            .filter(l -> l.startsWith("model name"))
                            .findFirst()
                            .map(l -> l.substring(l.indexOf(':') + 1).strip())
                            .orElse("unknown CPU");
            String flags =
                    lines.stream()
                            .filter(l -> l.startsWith("flags"))
                            .findFirst()
                            .map(l -> l.substring(l.indexOf(':') + 1).strip())
                            .orElse("");
            List<String> simd = new ArrayList<>();
            for (String f : flags.split(" ")) {
                if (f.startsWith("avx") || f.startsWith("amx") || f.startsWith("sse4")) {
                    simd.add(f);
                }
            }
            return model + ", " + Runtime.getRuntime().availableProcessors() + " cores; " + simd;
        } catch (IOException e) {
            return System.getProperty("os.arch") + " (no /proc/cpuinfo)";
        }
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }
}
