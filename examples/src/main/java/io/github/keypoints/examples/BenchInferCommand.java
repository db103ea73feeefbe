package io.github.keypoints.examples;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import io.github.keypoints.models.KeypointBlock;
import io.github.keypoints.models.ModelZoo;
import io.github.keypoints.models.ParameterCount;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
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
                    + " 224x224 and 96x96 (the train-300w default), heatmap 120x90; 1 channel.",
            "ratio_ms_b1 = java_ms / python_ms (below 1: Java faster); ratio_img_s_b32 ="
                    + " java_img_s / python_img_s (above 1: Java faster). Trainable parameter counts"
                    + " of both sides must agree, or the command fails.",
            "Installs Debian's python3-torch with apt-get if 'import torch' fails, and"
                    + " libopenblas0-pthread if its OpenBLAS is missing."
        })
public final class BenchInferCommand implements Callable<Integer> {

    private static final List<String> MODELS = List.of("nose-tip", "imm58", "resnet18", "heatmap");

    @Spec private CommandSpec spec;

    @Option(
            names = "--engines",
            defaultValue = "PyTorch,MXNet",
            split = ",",
            description = "Engines (default ${DEFAULT-VALUE}).")
    List<String> engines;

    @Option(
            names = "--models",
            defaultValue = "nose-tip,imm58,resnet18,heatmap",
            split = ",",
            description = "Networks (default ${DEFAULT-VALUE}).")
    List<String> models;

    @Option(
            names = "--threads",
            description =
                    "CPU threads for both sides (default: all cores). MXNet follows"
                            + " OMP_NUM_THREADS, which ./keypoints sets from KEYPOINTS_THREADS.")
    Integer threads;

    @Option(
            names = "--warmup",
            defaultValue = "3",
            description = "Untimed passes first (batch 32: at most 2; default ${DEFAULT-VALUE}).")
    int warmup;

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
            names = "--python",
            defaultValue = "/usr/bin/python3",
            description = "Python with torch (default ${DEFAULT-VALUE}).")
    String python;

    @Option(
            names = "--script",
            description =
                    "The reference script (default: bench/infer_reference.py above the working"
                            + " folder).")
    Path script;

    @Option(
            names = "--no-python",
            description = "Time the Java side only; the Python columns stay empty (null).")
    boolean noPython;

    @Option(names = "--json", description = "Print a JSON summary as the last line.")
    boolean json;

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
            default:
                return List.of();
        }
    }

    @Override
    public Integer call() throws Exception {
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
        List<Case> selected = new ArrayList<>();
        for (String m : models) {
            List<Case> c = cases(m);
            if (c.isEmpty()) {
                throw BenchCommand.bad(
                        spec, "--models: unknown model '" + m + "'; known: " + MODELS);
            }
            selected.addAll(c);
        }
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        EngineSetup.threads(n);
        for (String e : engines) {
            EngineSetup.requireEngine(e);
        }
        String omp = System.getenv("OMP_NUM_THREADS");
        if (engines.contains("MXNet") && !Integer.toString(n).equals(omp)) {
            System.err.println(
                    "bench infer: OMP_NUM_THREADS is "
                            + omp
                            + ", not "
                            + n
                            + "; MXNet's thread count follows it (run KEYPOINTS_THREADS="
                            + n
                            + " ./keypoints ...)");
        }
        JsonObject py = noPython ? null : runPython(n, selected);
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
        System.out.printf(
                Locale.ROOT,
                "%-9s %-8s %-8s %10s | %9s %9s %6s | %9s %9s %6s%n",
                "model",
                "input",
                "engine",
                "params",
                "java_ms",
                "py_ms",
                "ratio",
                "java_img/s",
                "py_img/s",
                "ratio");
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Case c : selected) {
            JsonObject p = pyCases.get(c.key());
            if (py != null && p == null) {
                throw new IllegalStateException("the Python reference returned no row for " + c);
            }
            for (String engine : engines) {
                rows.add(row(c, engine, n, p));
            }
        }
        if (json) {
            new JsonSummary()
                    .put("threads", n)
                    .put("python_torch", py == null ? null : py.get("torch").getAsString())
                    .put("python_blas", py == null ? null : py.get("blas").getAsString())
                    .put("ratio_ms_b1", "java_ms_b1 / python_ms_b1: below 1 means Java is faster")
                    .put(
                            "ratio_img_s_b32",
                            "java_img_s_b32 / python_img_s_b32: above 1 means Java is faster")
                    .put("cases", rows)
                    .print(System.out);
        }
        return 0;
    }

    private Map<String, Object> row(Case c, String engine, int n, JsonObject p) {
        KeypointBlock block = ModelZoo.create(c.model(), c.outputs());
        ForwardTiming t;
        long params;
        try (Model model = Model.newInstance("bench-infer", Device.cpu(), engine)) {
            model.setBlock(block);
            block.initialize(
                    model.getNDManager(), DataType.FLOAT32, new Shape(1, 1, c.height(), c.width()));
            params = ParameterCount.trainable(block);
            if (p != null && p.get("params").getAsLong() != params) {
                throw new IllegalStateException(
                        c.key()
                                + ": the Java network has "
                                + params
                                + " trainable parameters, the Python reference "
                                + p.get("params").getAsLong()
                                + ": they are not the same network");
            }
            t =
                    ForwardTiming.measure(
                            block,
                            model.getNDManager(),
                            c.width(),
                            c.height(),
                            warmup,
                            reps,
                            reps32);
        }
        Double pyMs = p == null ? null : p.get("ms_b1").getAsDouble();
        Double pyImg = p == null ? null : p.get("img_s_b32").getAsDouble();
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("model", c.model());
        r.put("engine", engine);
        r.put("input", c.input());
        r.put("threads", n);
        r.put("params", params);
        r.put("java_ms_b1", t.msBatch1());
        r.put("python_ms_b1", pyMs);
        r.put("ratio_ms_b1", pyMs == null ? null : t.msBatch1() / pyMs);
        r.put("java_img_s_b32", t.imagesPerSecondBatch32());
        r.put("python_img_s_b32", pyImg);
        r.put("ratio_img_s_b32", pyImg == null ? null : t.imagesPerSecondBatch32() / pyImg);
        System.out.printf(
                Locale.ROOT,
                "%-9s %-8s %-8s %,10d | %9.2f %9s %6s | %9.1f %9s %6s%n",
                c.model(),
                c.input(),
                engine,
                params,
                t.msBatch1(),
                fmt("%.2f", pyMs),
                fmt("%.2f", (Double) r.get("ratio_ms_b1")),
                t.imagesPerSecondBatch32(),
                fmt("%.1f", pyImg),
                fmt("%.2f", (Double) r.get("ratio_img_s_b32")));
        System.out.flush();
        return r;
    }

    private static String fmt(String format, Double v) {
        return v == null ? "-" : String.format(Locale.ROOT, format, v);
    }

    private JsonObject runPython(int n, List<Case> selected)
            throws IOException, InterruptedException {
        PythonTorchReference ref =
                new PythonTorchReference(python, script, "bench/infer_reference.py");
        ref.ensureInstalled();
        List<String> args =
                new ArrayList<>(
                        List.of(
                                "--threads",
                                Integer.toString(n),
                                "--warmup",
                                Integer.toString(warmup),
                                "--reps",
                                Integer.toString(reps),
                                "--reps32",
                                Integer.toString(reps32)));
        for (Case c : selected) {
            args.add(c.key() + ":" + c.outputs());
        }
        System.err.println("bench infer: running " + ref.script() + " " + String.join(" ", args));
        return ref.run(n, args);
    }
}
