package io.github.keypoints.examples;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.models.KeypointBlock;
import io.github.keypoints.models.ModelZoo;
import io.github.keypoints.models.ParameterCount;
import io.github.keypoints.train.LandmarkRecipe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code keypoints bench infer}: inference time of every network in keypoints-models on each engine
 * next to the same network in Python PyTorch ({@code bench/infer_reference.py}), on the same
 * machine and thread count, in one invocation.
 */
@Command(
        name = "infer",
        mixinStandardHelpOptions = true,
        description = {
            "Inference (forward only, no gradients, after warm-up) of each network per engine"
                    + " against the same network in Python PyTorch: median ms per face at batch 1"
                    + " and images/s at batch 32. Inputs: nose-tip 80x60, imm58 240x180, resnet18"
                    + " 224x224 and 96x96, heatmap 120x90, landmark-cnn 64x64, landmarker (the"
                    + " default 68-point landmarker's network) at its recipe's input; 1 channel.",
            "Then the default landmarker end to end (KeypointDetector with a given face box on a"
                    + " 640x480 photo: crop and resize, normalise, forward, map back): ms per face"
                    + " at batch 1 and faces/s at batch 32, per engine (Java only); or a saved"
                    + " model (--landmarker) and other recipes' networks (--landmarker-recipes),"
                    + " timed in turn.",
            "The Python side times each network eager, as TorchScript the way PyTorch's CPU"
                    + " inference guide recommends (traced, frozen, optimize_for_inference) and,"
                    + " unless --no-python-fused, in the guide's third form (traced and frozen with"
                    + " the oneDNN Graph fuser on), checks that they agree, and reports the fastest"
                    + " (python_ms_b1; each in python_ms_b1_eager, python_ms_b1_script,"
                    + " python_ms_b1_fused). --eager-reference keeps the eager form only, as before"
                    + " 2026-12-03.",
            "ratio_ms_b1 = java_ms / python_ms (below 1: Java faster); ratio_img_s_b32 ="
                    + " java_img_s / python_img_s (above 1: Java faster).",
            "j_flt/p, py_flt/p (java_faults_b1, python_faults_b1): each process's minor page"
                    + " faults during the timed batch-1 passes, per pass; where a fault is slow"
                    + " (13-15 us on our AMD EPYC VM) they, not the kernels, can make the"
                    + " difference.",
            "Both sides must be the same network: equal trainable parameter counts, and with the"
                    + " Java weights loaded into the Python network, outputs on one input within"
                    + " 1e-3 (max_abs_diff); otherwise the command fails. Above 2e-6 (relative to"
                    + " the largest output when that exceeds 1) it still times the network but"
                    + " prints a warning and marks the row beyond_float_noise: the same network"
                    + " computed by a partly wrong kernel (seen: 4.9e-6) lands there, float noise"
                    + " (measured up to 3.3e-7) does not.",
            "Installs Debian's python3-torch with apt-get if 'import torch' fails, and"
                    + " Debian's OpenMP build of OpenBLAS"
                    + " (libopenblas0-openmp), which the Python side runs on, if it is missing."
        })
public final class BenchInferCommand implements Callable<Integer> {

    @Mixin BenchSides sides;

    /** Largest output difference, Java vs Python with the same weights, still float noise. */
    private static final double MAX_OUTPUT_DIFF = 1e-3;

    /**
     * Largest output difference taken for float rounding alone, relative to the largest output when
     * that exceeds 1. Same-network rows measured 0 to 3.3e-7; the landmarker's network with a wrong
     * 1×1 head kernel (oneDNN at {@code AVX512_CORE}, channels-last, on an AMD EPYC) gave 4.9e-6 —
     * under {@link #MAX_OUTPUT_DIFF}, so it was timed as if right.
     */
    static final double FLOAT_NOISE = 2e-6;

    private static final List<String> MODELS =
            List.of("nose-tip", "imm58", "resnet18", "heatmap", "landmark-cnn", "landmarker");

    /** The default 68-point landmarker's recipe, whose network the landmark-cnn row times. */
    private static final LandmarkRecipe LANDMARKER = LandmarkRecipe.ibug68();

    @Spec private CommandSpec spec;

    @Option(
            names = "--models",
            defaultValue = "nose-tip,imm58,resnet18,heatmap,landmark-cnn,landmarker",
            split = ",",
            description =
                    "Networks (default ${DEFAULT-VALUE}). Each network's Python side runs in a"
                            + " process of its own, for its timing and again for its pairs"
                            + " (python_pid, python_pid_paired).")
    List<String> models;

    @Option(
            names = "--warmup",
            defaultValue = "3",
            description =
                    "Untimed passes first, at least (batch 32: at most 2; default"
                            + " ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
            names = "--warmup-seconds",
            defaultValue = "2",
            description =
                    "The batch-1 warm-up also lasts at least this long, on both sides (default"
                            + " ${DEFAULT-VALUE}; 0: --warmup passes only, the rule of the runs before"
                            + " 2026-12-03 21:00 UTC). A JVM compiles a pass's Java code only after many"
                            + " runs: the networks' batch-1 passes kept getting faster for a few"
                            + " hundred passes. The passes run are in java_warmup_b1,"
                            + " python_warmup_b1.")
    double warmupSeconds;

    @Option(
            names = "--reps",
            defaultValue = "30",
            description = "Timed batch-1 passes (default ${DEFAULT-VALUE}).")
    int reps;

    @Option(
            names = "--reps32",
            defaultValue = "5",
            description = "Timed batch-32 passes (default ${DEFAULT-VALUE}).")
    int reps32;

    @Option(
            names = "--rounds",
            defaultValue = "1",
            description =
                    "Alternate the Java and the Python side this many times and report the"
                            + " medians, ratios per round included (default ${DEFAULT-VALUE}):"
                            + " the machine's speed drifts between processes, and alternating"
                            + " keeps a drift from landing on one side only.")
    int rounds;

    @Option(
            names = "--pairs",
            defaultValue = "0",
            description =
                    "After the rounds, time each network's batch-1 pass again in this many pairs"
                            + " of short blocks (--reps passes each, or as many as take 0.3 s, after"
                            + " 3 untimed ones), Java and Python in turn"
                            + " (Java first in odd pairs, Python first in even ones), with both"
                            + " networks loaded and warm in their own processes, the Python block"
                            + " timing each of its forms and taking the fastest, and report the"
                            + " median of the per-pair ratios (ratio_ms_b1_paired; default"
                            + " ${DEFAULT-VALUE}: off). The machine's speed drifts by tens of"
                            + " percent within seconds; a pair's two blocks are a fraction of a"
                            + " second apart, a round's two measurements of a network tens of"
                            + " seconds.")
    int pairs;

    @Option(
            names = "--processes",
            defaultValue = "0",
            description =
                    "Run the whole command (rounds, pairs, landmarker rows) this many times, each"
                            + " in a fresh JVM with fresh Python processes, one after the other, and"
                            + " report per network the median over the processes of each figure"
                            + " (ratio_ms_b1_paired: the median of the per-process paired ratios),"
                            + " each process's own in <field>_processes (default ${DEFAULT-VALUE}:"
                            + " run here, once). A process keeps a speed of its own for minutes:"
                            + " the same network's pass took 5.7 ms in some JVMs and 7.8 ms in"
                            + " others, and 6.5-9.0 ms in the Python reference's processes, so one"
                            + " process pair is a sample of one.")
    int processes;

    @Option(
            names = "--landmarker",
            description =
                    "A saved 68-point model directory to time end to end through"
                            + " KeypointDetector (crop, resize, normalise, forward, map back) with"
                            + " a given face box; default: the default recipe's network, untrained"
                            + " (the time does not depend on the weights).")
    Path landmarker;

    @Option(
            names = "--landmarker-recipes",
            split = ",",
            description =
                    "Recipes (such as ibug68,ibug68-small) whose untrained networks are timed end"
                            + " to end like --landmarker, call by call in turn with it and with"
                            + " each other, each relative to the first (ratio_ms_b1_to_first);"
                            + " default: ibug68 when --landmarker is not given.")
    List<String> landmarkerRecipes = new ArrayList<>();

    @Option(
            names = "--profile",
            description =
                    "Also record --reps batch-1 passes of each network under the operator"
                            + " profiler, on PyTorch in Java (libtorch's profiler) and in Python"
                            + " (torch.autograd.profiler), as Chrome traces"
                            + " DIR/{java,python}-MODEL_WxH-Np.json, after the timed passes (the"
                            + " profiler slows a pass, so these are not the timings);"
                            + " bench/op_profile.py DIR prints them side by side.")
    Path profile;

    @Option(
            names = "--landmarker-flip-average",
            description =
                    "Also time each end-to-end landmarker with flip averaging"
                            + " (KeypointDetector.optFlipAverage), in the same turns.")
    boolean landmarkerFlipAverage;

    @Option(names = "--no-landmarker", description = "Skip the end-to-end landmarker rows.")
    boolean noLandmarker;

    @Option(
            names = "--eager-reference",
            description =
                    "Time the Python networks eager only, not also as TorchScript (the reference"
                            + " of the runs before 2026-12-03).")
    boolean eagerReference;

    @Option(
            names = "--python-fused",
            negatable = true,
            defaultValue = "true",
            fallbackValue = "true",
            description =
                    "Also time the Python networks in the third form of PyTorch's CPU inference"
                            + " guide, traced and frozen with the oneDNN Graph fuser on"
                            + " (torch.jit.enable_onednn_fusion), and take it when it is faster"
                            + " (python_ms_b1_fused; default on since the Java side's PyTorch"
                            + " modules use libtorch's fuser; --no-python-fused for the two forms"
                            + " of the runs before). Ignored with --eager-reference.")
    boolean pythonFused;

    @Option(
            names = "--no-python",
            description = "Time the Java side only; the Python columns stay empty (null).")
    boolean noPython;

    /** One network at one input size. */
    private record Case(String model, int width, int height, int outputs) {
        String input() {
            return width + "x" + height;
        }

        String key() {
            return model + ":" + input();
        }
    }

    private static List<Case> cases(String model) {
        switch (model) {
            case "nose-tip":
                return List.of(new Case(model, 80, 60, 2));
            case "imm58":
                return List.of(new Case(model, 240, 180, 116));
            case "resnet18":
                return List.of(new Case(model, 224, 224, 136), new Case(model, 96, 96, 136));
            case "heatmap":
                return List.of(new Case(model, 120, 90, 116));
            case "landmark-cnn":
                return List.of(new Case(model, 64, 64, 136));
            case "landmarker":
                return List.of(
                        new Case(model, LANDMARKER.inputWidth(), LANDMARKER.inputHeight(), 136));
            default:
                return List.of();
        }
    }

    @Override
    public Integer call() throws Exception {
        if (rounds < 1) {
            throw BenchCommand.bad(spec, "--rounds must be >= 1, got " + rounds);
        }
        if (warmup < 0 || reps < 1 || reps32 < 1) {
            throw BenchCommand.bad(
                    spec,
                    "--warmup must be >= 0 and --reps, --reps32 >= 1, got "
                            + warmup
                            + ", "
                            + reps
                            + ", "
                            + reps32);
        }
        if (pairs < 0 || (pairs > 0 && noPython)) {
            throw BenchCommand.bad(
                    spec,
                    "--pairs must be >= 0, and needs the Python side (not --no-python), got "
                            + pairs);
        }
        if (!(warmupSeconds >= 0) || warmupSeconds > 600) {
            throw BenchCommand.bad(
                    spec, "--warmup-seconds must be between 0 and 600, got " + warmupSeconds);
        }
        List<String> landmarkers = Train300wCommand.recipeNames();
        for (String r : landmarkerRecipes) {
            if (!landmarkers.contains(r)) {
                throw BenchCommand.bad(
                        spec,
                        "--landmarker-recipes: '"
                                + r
                                + "' is not a 68-point landmarker recipe; known: "
                                + landmarkers);
            }
        }
        List<Case> selected = new ArrayList<>();
        for (String m : models) {
            List<Case> c = cases(m);
            if (c.isEmpty()) {
                throw BenchCommand.bad(
                        spec, "--models: unknown model '" + m + "'; known: " + MODELS);
            }
            selected.addAll(c);
        }
        if (processes < 0 || (processes > 0 && profile != null)) {
            throw BenchCommand.bad(
                    spec,
                    "--processes must be >= 0, and cannot be combined with --profile (each process"
                            + " would write the same traces), got "
                            + processes);
        }
        if (processes > 0) {
            return inFreshProcesses();
        }
        int n = sides.setUp();
        sides.warnIfMxnetThreadsDiffer("bench infer", n);
        sides.noteIfSeveralEngines(
                "bench infer",
                "that alone made MXNet's heatmap network 16-41 % slower here"
                        + " (docs/performance-inference.md, \"One engine per process\")");
        Path checkDir = noPython ? null : Files.createTempDirectory("keypoints-bench-infer");
        try {
            List<List<Map<String, Object>>> perRound = new ArrayList<>();
            JsonObject py = null;
            for (int round = 1; round <= rounds; round++) {
                if (rounds > 1) {
                    System.err.printf(Locale.ROOT, "bench infer: round %d of %d%n", round, rounds);
                }
                List<JavaResult> java = new ArrayList<>();
                for (Case c : selected) {
                    for (String engine : sides.engines) {
                        java.add(measure(c, engine, checkDir));
                    }
                }
                py = noPython ? null : runPython(n, selected, checkDir);
                perRound.add(report(n, java, py));
            }
            List<Map<String, Object>> rows = medians(perRound);
            if (rounds > 1) {
                printMedians(rows, rounds);
            }
            if (pairs > 0) {
                paired(n, selected, checkDir, rows);
            }
            List<Map<String, Object>> endToEnd =
                    noLandmarker
                            ? List.of()
                            : LandmarkerTiming.measure(
                                    landmarker,
                                    landmarkerRecipes,
                                    sides.engines,
                                    warmup,
                                    warmupSeconds,
                                    reps,
                                    reps32,
                                    landmarkerFlipAverage);
            if (sides.json) {
                new JsonSummary()
                        .put("native", BenchSides.nativeSettings())
                        .put("threads", n)
                        .put("rounds", rounds)
                        .put("python_torch", py == null ? null : py.get("torch").getAsString())
                        .put("python_blas", py == null ? null : py.get("blas").getAsString())
                        .put("ratios", ratioDescriptions(""))
                        .put("cases", rows)
                        .put("landmarker", endToEnd)
                        .print(System.out);
            }
            return 0;
        } finally {
            if (checkDir != null) {
                try (var files = Files.list(checkDir)) {
                    for (Path f : files.toList()) {
                        Files.deleteIfExists(f);
                    }
                }
                Files.deleteIfExists(checkDir);
            }
        }
    }

    /** The fields whose value in each fresh process is kept beside their median. */
    private static final List<String> PER_PROCESS =
            List.of(
                    "java_ms_b1",
                    "python_ms_b1",
                    "ratio_ms_b1",
                    "java_ms_b1_paired",
                    "python_ms_b1_paired",
                    "ratio_ms_b1_paired",
                    "ratio_img_s_b32");

    /** The timing fields combined over fresh processes: a round's and the pairs'. */
    private static List<String> processTimings() {
        List<String> fields = new ArrayList<>(TIMINGS);
        fields.addAll(List.of("java_ms_b1_paired", "python_ms_b1_paired", "ratio_ms_b1_paired"));
        return List.copyOf(fields);
    }

    /**
     * {@code --processes}: this command without the option in {@link #processes} fresh JVMs in
     * turn, their rows combined into medians.
     */
    private int inFreshProcesses() throws IOException, InterruptedException {
        List<String> args =
                FreshProcesses.withoutOption(
                        spec.commandLine().getParseResult().expandedArgs(), "--processes");
        List<FreshProcesses.Child> children =
                FreshProcesses.run(List.of("bench", "infer"), args, processes);
        List<Map<String, Object>> rows = combineProcesses(FreshProcesses.rows(children, "cases"));
        List<Map<String, Object>> endToEnd =
                RoundMedians.combine(
                        FreshProcesses.rows(children, "landmarker"),
                        List.of("ms_per_face_b1", "faces_per_s_b32", "ratio_ms_b1_to_first"),
                        List.of("ms_per_face_b1"),
                        "processes");
        System.out.printf(
                Locale.ROOT,
                "medians over %d fresh processes (each process's value in parentheses):%n",
                processes);
        for (Map<String, Object> r : rows) {
            boolean paired = r.get("ratio_ms_b1_paired") != null;
            String kind = paired ? "_paired" : "";
            System.out.printf(
                    Locale.ROOT,
                    "%-12s %-8s %-8s java_ms %7.2f py_ms %7s ratio%s %5s (%s)%n",
                    r.get("model"),
                    r.get("input"),
                    r.get("engine"),
                    ((Number) r.get("java_ms_b1" + kind)).doubleValue(),
                    fmt("%.2f", (Double) r.get("python_ms_b1" + kind)),
                    kind,
                    fmt("%.2f", (Double) r.get("ratio_ms_b1" + kind)),
                    r.get("ratio_ms_b1" + kind + "_processes") == null
                            ? "java_ms "
                                    + RoundMedians.format(r.get("java_ms_b1" + kind + "_processes"))
                            : RoundMedians.format(r.get("ratio_ms_b1" + kind + "_processes")));
        }
        for (Map<String, Object> r : endToEnd) {
            System.out.printf(
                    Locale.ROOT,
                    "landmarker %-20s %-8s ms/face %6.2f (%s)%n",
                    r.get("model"),
                    r.get("engine"),
                    ((Number) r.get("ms_per_face_b1")).doubleValue(),
                    RoundMedians.format(r.get("ms_per_face_b1_processes")));
        }
        if (sides.json) {
            JsonObject first = children.get(0).summary();
            new JsonSummary()
                    .put("native", BenchSides.nativeSettings())
                    .put("threads", first.get("threads").getAsInt())
                    .put("rounds", rounds)
                    .put("processes", processes)
                    .put("java_pids", children.stream().map(FreshProcesses.Child::pid).toList())
                    .put("python_torch", stringOrNull(first, "python_torch"))
                    .put("python_blas", stringOrNull(first, "python_blas"))
                    .put("ratios", ratioDescriptions("; here the median of the processes' ratios"))
                    .put("cases", rows)
                    .put("landmarker", endToEnd)
                    .print(System.out);
        }
        return 0;
    }

    /** What each ratio of the JSON summary means, each description ending with {@code more}. */
    private static Map<String, String> ratioDescriptions(String more) {
        return Map.of(
                "ratio_ms_b1",
                "java_ms_b1 / python_ms_b1: below 1 means Java is faster" + more,
                "ratio_ms_b1_paired",
                "with --pairs: the median over pairs of adjacent blocks of the Java block's median"
                        + " ms / the Python block's"
                        + more,
                "ratio_img_s_b32",
                "java_img_s_b32 / python_img_s_b32: above 1 means Java is faster" + more);
    }

    /**
     * Combines the rows of fresh processes: {@link RoundMedians#combine} over the rounds' and the
     * pairs' timing fields, each process's value kept for the main ones; the per-round and per-pair
     * lists and the Python process ids of the first process are dropped, each process's Python ids
     * kept as lists.
     *
     * @param perProcess the rows of each process
     * @return the combined rows
     */
    static List<Map<String, Object>> combineProcesses(List<List<Map<String, Object>>> perProcess) {
        List<Map<String, Object>> rows =
                RoundMedians.combine(perProcess, processTimings(), PER_PROCESS, "processes");
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> r = rows.get(i);
            r.keySet().removeIf(k -> k.endsWith("_rounds") || k.endsWith("_pairs"));
            r.remove("python_forms_paired");
            for (String pid : List.of("python_pid", "python_pid_paired")) {
                if (r.containsKey(pid)) {
                    List<Object> pids = new ArrayList<>();
                    for (List<Map<String, Object>> p : perProcess) {
                        Object v = p.get(i).get(pid);
                        pids.add(v == null ? null : ((Number) v).longValue());
                    }
                    r.put(pid, pids);
                }
            }
            double maxDiff = 0;
            boolean beyond = false;
            boolean any = false;
            for (List<Map<String, Object>> p : perProcess) {
                if (p.get(i).get("max_abs_diff") instanceof Number d) {
                    maxDiff = Math.max(maxDiff, d.doubleValue());
                    any = true;
                }
                beyond |= Boolean.TRUE.equals(p.get(i).get("beyond_float_noise"));
            }
            if (any) {
                r.put("max_abs_diff", maxDiff);
                r.put("beyond_float_noise", beyond);
            }
        }
        return rows;
    }

    private static String stringOrNull(JsonObject o, String key) {
        return o.has(key) && !o.get(key).isJsonNull() ? o.get(key).getAsString() : null;
    }

    /** The Java side of one row: timings, parameter count and the output on the check input. */
    private record JavaResult(
            Case c, String engine, long params, ForwardTiming timing, float[] checkOutput) {}

    /** The fixed input on which both sides' outputs are compared. */
    private static float[] checkInput(Case c) {
        Random rnd = new Random(1);
        float[] x = new float[c.width() * c.height()];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat() - 0.5f;
        }
        return x;
    }

    private JavaResult measure(Case c, String engine, Path checkDir) throws IOException {
        System.err.println("bench infer: timing " + c.key() + " on " + engine);
        Shape one = new Shape(1, 1, c.height(), c.width());
        try (Model model = network(c, engine)) {
            Block block = model.getBlock();
            long params = ParameterCount.trainable(block);
            freeze(block);
            float[] x = checkInput(c);
            float[] out;
            try (NDManager sub = model.getNDManager().newSubManager()) {
                out =
                        block.forward(
                                        new ParameterStore(sub, false),
                                        new NDList(sub.create(x, one)),
                                        false)
                                .singletonOrThrow()
                                .toFloatArray();
            }
            if (checkDir != null && !Files.exists(checkDir.resolve(dumpName(c) + ".bin"))) {
                ParameterDump.write(block, x, one, checkDir, dumpName(c));
            }
            ForwardTiming t =
                    ForwardTiming.measure(
                            block,
                            model.getNDManager(),
                            c.width(),
                            c.height(),
                            warmup,
                            warmupSeconds,
                            reps,
                            reps32);
            if (profile != null && "PyTorch".equals(engine)) {
                Files.createDirectories(profile);
                TorchOpProfile.record(
                        block,
                        model.getNDManager(),
                        c.width(),
                        c.height(),
                        reps,
                        profile.resolve("java-" + dumpName(c) + "-" + reps + "p.json"));
            }
            return new JavaResult(c, engine, params, t, out);
        }
    }

    /**
     * Freezes the block's parameters: as the library's inference paths do (KeypointDetector, the
     * Criteria block factory) and as the Python side runs under torch.no_grad(), no parameter asks
     * for a gradient, so the PyTorch engine records no autograd graph during the forward pass.
     */
    private static void freeze(Block block) {
        block.freezeParameters(true);
    }

    /** A new model on {@code engine} holding the case's network, initialised for batch-1 input. */
    private static Model network(Case c, String engine) {
        KeypointBlock block =
                "landmarker".equals(c.model())
                        ? LANDMARKER.newBlock(LandmarkScheme.IBUG_68, 0)
                        : ModelZoo.create(c.model(), c.outputs());
        Model model = Model.newInstance("bench-infer", Device.cpu(), engine);
        try {
            model.setBlock(block);
            block.initialize(
                    model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, c.height(), c.width()));
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /** The shortest block of {@code --pairs}, in ms of the Java side's passes. */
    private static final double BLOCK_MS = 300;

    /** Untimed passes at the start of every block of {@code --pairs}, on both sides. */
    private static final int WARM_IN = 3;

    /**
     * The paired-block timing of {@code --pairs}: a Python reference that stays up ({@code
     * --serve}), and for each case and engine, the Java network warmed up, one untimed block on
     * each side, then {@link #pairs} pairs of blocks in alternating order; adds the results to the
     * matching rows.
     */
    private void paired(int n, List<Case> selected, Path checkDir, List<Map<String, Object>> rows)
            throws IOException, InterruptedException {
        PythonTorchReference ref = sides.reference("bench/infer_reference.py");
        System.out.printf(
                Locale.ROOT,
                "paired blocks: %d pairs of at least %d batch-1 passes per side, Java and Python in"
                        + " turn%n",
                pairs,
                reps);
        for (Case c : selected) {
            // Its own timing first builds and warms up every form; the blocks need no batch-32
            // figures.
            List<String> args = pythonArgs(n, List.of(c), checkDir, 1, false);
            args.add("--serve");
            System.err.println(
                    "bench infer: paired blocks: running "
                            + ref.script()
                            + " "
                            + String.join(" ", args));
            try (PythonTorchReference.Served py = ref.serve(n, args)) {
                for (String engine : sides.engines) {
                    Map<String, Object> row =
                            PairedBlocks.row(
                                    rows,
                                    Map.of(
                                            "model", c.model(), "input", c.input(), "engine",
                                            engine));
                    row.put("python_pid_paired", py.pid());
                    pairedRow(c, engine, py, row);
                }
            }
        }
    }

    /** One Java block: {@link #WARM_IN} untimed passes, then the median of {@code passes}. */
    private static double javaBlock(Block block, NDManager manager, Case c, int passes) {
        ForwardTiming.batch1Block(block, manager, c.width(), c.height(), WARM_IN);
        return ForwardTiming.batch1Block(block, manager, c.width(), c.height(), passes);
    }

    private void pairedRow(
            Case c, String engine, PythonTorchReference.Served py, Map<String, Object> row)
            throws IOException, InterruptedException {
        System.err.println("bench infer: paired blocks of " + c.key() + " on " + engine);
        try (Model model = network(c, engine)) {
            Block block = model.getBlock();
            freeze(block);
            NDManager manager = model.getNDManager();
            ForwardTiming.warmUp(
                    () -> ForwardTiming.batch1Block(block, manager, c.width(), c.height(), 1),
                    warmup,
                    warmupSeconds);
            // Blocks of at least BLOCK_MS on the Java side's warm pass time: a few passes of a
            // small network after the other side's turn measure waking threads more than the pass.
            double passMs = ForwardTiming.batch1Block(block, manager, c.width(), c.height(), reps);
            int passes = Math.max(reps, (int) Math.ceil(BLOCK_MS / passMs));
            String request = c.key() + " " + passes + " " + WARM_IN;
            py.ask(request);
            PairedBlocks b =
                    PairedBlocks.time(
                            pairs,
                            () -> javaBlock(block, manager, c, passes),
                            () -> py.ask(request),
                            VcpuPairProbe.get()::read);
            Map<String, Integer> forms = new java.util.TreeMap<>();
            for (JsonObject answer : b.answers()) {
                forms.merge(answer.get("form").getAsString(), 1, Integer::sum);
            }
            row.put("java_ms_b1_paired", b.javaMs());
            row.put("python_ms_b1_paired", b.pythonMs());
            row.put("ratio_ms_b1_paired", b.ratio());
            row.put("ratio_ms_b1_pairs", b.ratios());
            b.putStates(row, "ratio_ms_b1");
            row.put("python_forms_paired", forms);
            System.out.printf(
                    Locale.ROOT,
                    "paired %-12s %-8s %-8s java_ms %7.2f py_ms %7.2f ratio %5.2f (pairs %s)"
                            + " | by the vCPUs' state: %s | fastest Python form per pair %s%n",
                    c.model(),
                    c.input(),
                    engine,
                    b.javaMs(),
                    b.pythonMs(),
                    b.ratio(),
                    RoundMedians.format(b.ratios()),
                    b.stateSummary(),
                    forms);
        }
    }

    private static String dumpName(Case c) {
        return c.model() + "_" + c.input();
    }

    private static List<Map<String, Object>> report(int n, List<JavaResult> java, JsonObject py) {
        Map<String, JsonObject> pyCases = new LinkedHashMap<>();
        if (py != null) {
            for (JsonElement e : py.getAsJsonArray("cases")) {
                JsonObject o = e.getAsJsonObject();
                pyCases.put(o.get("model").getAsString() + ":" + o.get("input").getAsString(), o);
            }
            System.out.printf(
                    Locale.ROOT,
                    "threads %d; python torch %s; python BLAS %s%n",
                    n,
                    py.get("torch").getAsString(),
                    py.get("blas").getAsString());
        } else {
            System.out.printf(Locale.ROOT, "threads %d; no Python reference (--no-python)%n", n);
        }
        System.out.println("native: " + BenchSides.nativeSettings());
        System.out.printf(
                Locale.ROOT,
                "%-9s %-8s %-8s %10s %8s | %9s %9s %6s | %10s %9s %6s | %7s %7s%n",
                "model",
                "input",
                "engine",
                "params",
                "max_diff",
                "java_ms",
                "py_ms",
                "ratio",
                "java_img/s",
                "py_img/s",
                "ratio",
                "j_flt/p",
                "py_flt/p");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (JavaResult j : java) {
            JsonObject p = pyCases.get(j.c().key());
            if (py != null && p == null) {
                throw new IllegalStateException(
                        "the Python reference returned no row for " + j.c().key());
            }
            rows.add(row(n, j, p));
        }
        return rows;
    }

    /** The timing fields of a row, which {@link #medians} takes the median of. */
    private static final List<String> TIMINGS =
            List.of(
                    "java_ms_b1",
                    "python_ms_b1",
                    "ratio_ms_b1",
                    "java_img_s_b32",
                    "python_img_s_b32",
                    "ratio_img_s_b32",
                    "java_faults_b1",
                    "python_faults_b1",
                    "java_warmup_b1",
                    "python_warmup_b1",
                    "python_ms_b1_eager",
                    "python_ms_b1_script",
                    "python_ms_b1_fused");

    /**
     * Combines the rows of several rounds: {@link RoundMedians#combine} over the timing fields.
     *
     * @param perRound the rows of each round
     * @return the combined rows
     */
    static List<Map<String, Object>> medians(List<List<Map<String, Object>>> perRound) {
        return RoundMedians.combine(perRound, TIMINGS);
    }

    private static void printMedians(List<Map<String, Object>> rows, int rounds) {
        System.out.printf(Locale.ROOT, "medians over %d alternating rounds:%n", rounds);
        for (Map<String, Object> r : rows) {
            System.out.printf(
                    Locale.ROOT,
                    "%-12s %-8s %-8s java_ms %9.2f py_ms %9s ratio %6s %s | img/s ratio %6s"
                            + " | page faults per pass java %s py %s | py eager %s script %s"
                            + " fused %s%n",
                    r.get("model"),
                    r.get("input"),
                    r.get("engine"),
                    (Double) r.get("java_ms_b1"),
                    fmt("%.2f", (Double) r.get("python_ms_b1")),
                    fmt("%.2f", (Double) r.get("ratio_ms_b1")),
                    r.get("ratio_ms_b1_rounds") == null
                            ? ""
                            : "(rounds " + RoundMedians.format(r.get("ratio_ms_b1_rounds")) + ")",
                    fmt("%.2f", (Double) r.get("ratio_img_s_b32")),
                    fmt("%.0f", (Double) r.get("java_faults_b1")),
                    fmt("%.0f", (Double) r.get("python_faults_b1")),
                    fmt("%.2f", (Double) r.get("python_ms_b1_eager")),
                    fmt("%.2f", (Double) r.get("python_ms_b1_script")),
                    fmt("%.2f", (Double) r.get("python_ms_b1_fused")));
        }
    }

    private static Double optionalDouble(JsonObject p, String key) {
        return p == null || !p.has(key) ? null : p.get(key).getAsDouble();
    }

    private static Map<String, Object> row(int n, JavaResult j, JsonObject p) {
        Case c = j.c();
        Double maxDiff = null;
        if (p != null) {
            if (p.get("params").getAsLong() != j.params()) {
                throw new IllegalStateException(
                        c.key()
                                + ": the Java network has "
                                + j.params()
                                + " trainable parameters, the Python reference "
                                + p.get("params").getAsLong()
                                + ": they are not the same network");
            }
            maxDiff = maxAbsDiff(c, j, p);
        }
        ForwardTiming t = j.timing();
        Double pyMs = p == null ? null : p.get("ms_b1").getAsDouble();
        Double pyImg = p == null ? null : p.get("img_s_b32").getAsDouble();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", c.model());
        r.put("engine", j.engine());
        r.put("input", c.input());
        r.put("threads", n);
        r.put("params", j.params());
        r.put("max_abs_diff", maxDiff);
        boolean suspect = maxDiff != null && beyondFloatNoise(maxDiff, j.checkOutput());
        r.put("beyond_float_noise", maxDiff == null ? null : suspect);
        if (suspect) {
            System.out.printf(
                    Locale.ROOT,
                    "WARNING %s on %s: Java and Python outputs differ by %.2g with the same weights,"
                            + " more than float rounding (%.0e): a kernel may compute wrong values"
                            + " here; run './keypoints bench onednn' or the convolution check at"
                            + " this ONEDNN_MAX_CPU_ISA%n",
                    c.key(),
                    j.engine(),
                    maxDiff,
                    FLOAT_NOISE);
        }
        r.put("java_ms_b1", t.msBatch1());
        r.put("python_ms_b1", pyMs);
        r.put("python_ms_b1_eager", optionalDouble(p, "ms_b1_eager"));
        r.put("python_ms_b1_script", optionalDouble(p, "ms_b1_script"));
        r.put("python_ms_b1_fused", optionalDouble(p, "ms_b1_fused"));
        r.put("ratio_ms_b1", pyMs == null ? null : t.msBatch1() / pyMs);
        r.put(
                "java_faults_b1",
                Double.isNaN(t.faultsPerPassBatch1()) ? null : t.faultsPerPassBatch1());
        r.put(
                "python_faults_b1",
                p == null || !p.has("faults_b1") ? null : p.get("faults_b1").getAsDouble());
        r.put("java_warmup_b1", (double) t.warmupPassesBatch1());
        r.put("python_warmup_b1", optionalDouble(p, "warmup_b1"));
        r.put("python_pid", p == null || !p.has("pid") ? null : p.get("pid").getAsLong());
        r.put("java_img_s_b32", t.imagesPerSecondBatch32());
        r.put("python_img_s_b32", pyImg);
        r.put("ratio_img_s_b32", pyImg == null ? null : t.imagesPerSecondBatch32() / pyImg);
        System.out.printf(
                Locale.ROOT,
                "%-9s %-8s %-8s %,10d %8s | %9.2f %9s %6s | %10.1f %9s %6s | %7s %7s%n",
                c.model(),
                c.input(),
                j.engine(),
                j.params(),
                fmt("%.1e", maxDiff),
                t.msBatch1(),
                fmt("%.2f", pyMs),
                fmt("%.2f", (Double) r.get("ratio_ms_b1")),
                t.imagesPerSecondBatch32(),
                fmt("%.1f", pyImg),
                fmt("%.2f", (Double) r.get("ratio_img_s_b32")),
                fmt("%.0f", (Double) r.get("java_faults_b1")),
                fmt("%.0f", (Double) r.get("python_faults_b1")));
        return r;
    }

    /**
     * Compares the Java output on the check input with the Python network's output on the same
     * input with the same weights; a difference beyond float noise means different networks.
     */
    private static double maxAbsDiff(Case c, JavaResult j, JsonObject p) {
        JsonArray ref = p.getAsJsonArray("check_output");
        if (ref == null || ref.size() != j.checkOutput().length) {
            throw new IllegalStateException(
                    c.key()
                            + ": the Python reference returned "
                            + (ref == null ? "no check_output" : ref.size() + " outputs")
                            + ", expected "
                            + j.checkOutput().length);
        }
        double max = 0;
        for (int i = 0; i < ref.size(); i++) {
            max = Math.max(max, Math.abs(j.checkOutput()[i] - ref.get(i).getAsDouble()));
        }
        if (!(max <= MAX_OUTPUT_DIFF)) {
            throw new IllegalStateException(
                    String.format(
                            Locale.ROOT,
                            "%s on %s: with the same weights and input the Java and Python outputs"
                                    + " differ by up to %.3g (allowed %.0e): they are not the same"
                                    + " network",
                            c.key(),
                            j.engine(),
                            max,
                            MAX_OUTPUT_DIFF));
        }
        return max;
    }

    /**
     * Whether an output difference exceeds float rounding: {@link #FLOAT_NOISE} times the largest
     * output magnitude, or times 1 for outputs below 1.
     */
    static boolean beyondFloatNoise(double maxDiff, float[] output) {
        double scale = 1;
        for (float v : output) {
            scale = Math.max(scale, Math.abs(v));
        }
        return maxDiff > FLOAT_NOISE * scale;
    }

    private static String fmt(String format, Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, format, v);
    }

    /** The default landmarker's network as the Python reference takes it: name and config. */
    private static String landmarkerJson() {
        KeypointBlock block = LANDMARKER.newBlock(LandmarkScheme.IBUG_68, 0);
        Map<String, Object> spec = new LinkedHashMap<>(block.config());
        spec.put("architecture", block.architecture());
        return new com.google.gson.Gson().toJson(spec);
    }

    private JsonObject runPython(int n, List<Case> selected, Path checkDir)
            throws IOException, InterruptedException {
        PythonTorchReference ref = sides.reference("bench/infer_reference.py");
        ref.ensureInstalled();
        JsonObject all = null;
        for (Case c : selected) {
            List<String> args = pythonArgs(n, List.of(c), checkDir, reps32, profile != null);
            System.err.println(
                    "bench infer: running " + ref.script() + " " + String.join(" ", args));
            JsonObject one = ref.run(n, args);
            if (one.has("pid")) {
                for (JsonElement e : one.getAsJsonArray("cases")) {
                    e.getAsJsonObject().add("pid", one.get("pid"));
                }
            }
            if (all == null) {
                all = one;
            } else {
                all.getAsJsonArray("cases").addAll(one.getAsJsonArray("cases"));
            }
        }
        return all;
    }

    /** The reference script's arguments for the selected cases. */
    private List<String> pythonArgs(
            int n, List<Case> selected, Path checkDir, int passes32, boolean withProfile)
            throws IOException {
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--threads",
                                Integer.toString(n),
                                "--warmup",
                                Integer.toString(warmup),
                                "--warmup-seconds",
                                Double.toString(warmupSeconds),
                                "--reps",
                                Integer.toString(reps),
                                "--reps32",
                                Integer.toString(passes32),
                                "--check-dir",
                                checkDir.toString(),
                                "--landmarker",
                                landmarkerJson()));
        args.add("--forms");
        args.add(eagerReference ? "eager" : pythonFused ? "eager,script,fused" : "eager,script");
        if (withProfile) {
            Files.createDirectories(profile);
            args.add("--profile");
            args.add(profile.toAbsolutePath().toString());
        }
        for (Case c : selected) {
            args.add(c.key() + ":" + c.outputs());
        }
        return args;
    }
}
