package io.github.keypoints.examples;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import com.google.gson.Gson;
import com.google.gson.reflect.TypeToken;
import io.github.keypoints.models.ModelZoo;
import io.github.keypoints.models.TorchDefaultInitializer;
import io.github.keypoints.train.MseLoss;
import io.github.keypoints.train.ResumableAdam;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code keypoints bench train}: the training-step time (forward, backward, Adam) of the reference
 * networks on each engine next to the same network in Python PyTorch ({@code bench/train_step.py})
 * on the same machine and thread count, plus inference time.
 */
@Command(
        name = "train",
        mixinStandardHelpOptions = true,
        description = {
            "Training-step time (forward+backward+Adam) of the 58-point net at 240x180 batch 32 and"
                    + " the nose-tip net at 80x60 batch 15, per engine, against Python PyTorch;"
                    + " plus inference ms/face at batch 1 and images/s at batch 32.",
            "Installs Debian's python3-torch with apt-get if 'import torch' fails."
        })
public final class BenchTrainCommand implements Callable<Integer> {

    @Option(
            names = "--engines",
            defaultValue = "PyTorch,MXNet",
            split = ",",
            description = "Engines (default ${DEFAULT-VALUE}).")
    List<String> engines;

    @Option(
            names = "--cases",
            defaultValue = "imm58,nose-tip",
            split = ",",
            description = "Cases (default ${DEFAULT-VALUE}).")
    List<String> cases;

    @Option(names = "--threads", description = "CPU threads for both sides (default: all cores).")
    Integer threads;

    @Option(
            names = "--python",
            defaultValue = "/usr/bin/python3",
            description = "Python with torch (default ${DEFAULT-VALUE}).")
    String python;

    @Option(
            names = "--script",
            description =
                    "The reference script (default: bench/train_step.py above the working folder).")
    Path script;

    @Option(names = "--json", description = "Print a JSON summary as the last line.")
    boolean json;

    private record Case(String name, int batch, int width, int height, int outputs, int reps) {}

    private static Case lookup(String name) {
        switch (name) {
            case "imm58":
                return new Case("imm58", 32, 240, 180, 116, 5);
            case "nose-tip":
                return new Case("nose-tip", 15, 80, 60, 2, 20);
            default:
                throw new IllegalArgumentException(
                        "--cases: unknown case '" + name + "'; known: imm58, nose-tip");
        }
    }

    @Override
    public Integer call() throws Exception {
        int n = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
        EngineSetup.threads(n);
        List<Case> selected = new ArrayList<>();
        for (String c : cases) {
            selected.add(lookup(c));
        }
        for (String e : engines) {
            EngineSetup.requireEngine(e);
        }
        Map<String, Map<String, Double>> py = runPython(n, selected);
        List<Map<String, Object>> trainRows = new ArrayList<>();
        List<Map<String, Object>> inferRows = new ArrayList<>();
        System.out.printf(
                Locale.ROOT, "threads %d; python torch %s%n", n, py.get("_version").keySet());
        System.out.printf(
                Locale.ROOT,
                "%-9s %-8s %5s %8s %10s %10s %6s%n",
                "case",
                "engine",
                "batch",
                "input",
                "java_ms",
                "python_ms",
                "ratio");
        for (Case c : selected) {
            for (String engine : engines) {
                double[] j = measure(c, engine);
                Map<String, Double> p = py.get(c.name());
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("name", c.name());
                row.put("engine", engine);
                row.put("batch", c.batch());
                row.put("input", c.width() + "x" + c.height());
                row.put("java_ms", j[0]);
                row.put("python_ms", p.get("train_ms"));
                row.put("ratio", j[0] / p.get("train_ms"));
                trainRows.add(row);
                System.out.printf(
                        Locale.ROOT,
                        "%-9s %-8s %5d %8s %10.1f %10.1f %6.2f%n",
                        c.name(),
                        engine,
                        c.batch(),
                        row.get("input"),
                        j[0],
                        p.get("train_ms"),
                        j[0] / p.get("train_ms"));
                Map<String, Object> inf = new LinkedHashMap<>();
                inf.put("name", c.name());
                inf.put("engine", engine);
                inf.put("input", c.width() + "x" + c.height());
                inf.put("java_ms_per_face_b1", j[1]);
                inf.put("python_ms_per_face_b1", p.get("infer_ms_b1"));
                inf.put("java_images_per_s_b32", j[2]);
                inf.put("python_images_per_s_b32", p.get("infer_img_s_b32"));
                inferRows.add(inf);
            }
        }
        System.out.println("inference (ms/face at batch 1, images/s at batch 32):");
        for (Map<String, Object> r : inferRows) {
            System.out.printf(
                    Locale.ROOT,
                    "  %-9s %-8s java %.2f ms, %.1f img/s | python %.2f ms, %.1f img/s%n",
                    r.get("name"),
                    r.get("engine"),
                    r.get("java_ms_per_face_b1"),
                    r.get("java_images_per_s_b32"),
                    r.get("python_ms_per_face_b1"),
                    r.get("python_images_per_s_b32"));
        }
        if (json) {
            new JsonSummary()
                    .put("threads", n)
                    .put("cases", trainRows)
                    .put("inference", inferRows)
                    .print(System.out);
        }
        return 0;
    }

    /** Returns {train ms, inference ms per face at batch 1, images/s at batch 32}. */
    private static double[] measure(Case c, String engine) {
        Random rnd = new Random(0);
        float[] x = new float[c.batch() * c.width() * c.height()];
        float[] y = new float[c.batch() * c.outputs()];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextFloat() - 0.5f;
        }
        for (int i = 0; i < y.length; i++) {
            y[i] = rnd.nextFloat();
        }
        Shape xs = new Shape(c.batch(), 1, c.height(), c.width());
        Block block =
                new TorchDefaultInitializer(0).install(ModelZoo.create(c.name(), c.outputs()));
        try (Model model = Model.newInstance("bench", Device.cpu(), engine)) {
            model.setBlock(block);
            ResumableAdam adam = ResumableAdam.builder().setBlock(block).build();
            double trainMs;
            try (Trainer trainer =
                    model.newTrainer(
                            new DefaultTrainingConfig(new MseLoss(MseLoss.Reduction.MEAN))
                                    .optOptimizer(adam)
                                    .optDevices(new Device[] {Device.cpu()}))) {
                trainer.initialize(new Shape(1, 1, c.height(), c.width()));
                double[] t = new double[c.reps() + 2];
                for (int i = 0; i < t.length; i++) {
                    try (NDManager sub = trainer.getManager().newSubManager()) {
                        NDArray xa = sub.create(x, xs);
                        NDArray ya = sub.create(y, new Shape(c.batch(), c.outputs()));
                        long t0 = System.nanoTime();
                        try (GradientCollector gc = trainer.newGradientCollector()) {
                            NDList preds = trainer.forward(new NDList(xa));
                            gc.backward(trainer.getLoss().evaluate(new NDList(ya), preds));
                        }
                        trainer.step();
                        t[i] = (System.nanoTime() - t0) / 1e6;
                    }
                }
                trainMs = median(Arrays.copyOfRange(t, 2, t.length));
            }
            double b1;
            double b32;
            try (NDManager m = model.getNDManager().newSubManager()) {
                ParameterStore ps = new ParameterStore(m, false);
                float[] one = Arrays.copyOf(x, c.width() * c.height());
                double[] t1 = new double[33];
                for (int i = 0; i < t1.length; i++) {
                    try (NDManager sub = m.newSubManager()) {
                        NDArray xa = sub.create(one, new Shape(1, 1, c.height(), c.width()));
                        long t0 = System.nanoTime();
                        block.forward(ps, new NDList(xa), false).singletonOrThrow().toFloatArray();
                        t1[i] = (System.nanoTime() - t0) / 1e6;
                    }
                }
                b1 = median(Arrays.copyOfRange(t1, 3, t1.length));
                float[] x32 = new float[32 * c.width() * c.height()];
                for (int i = 0; i < x32.length; i++) {
                    x32[i] = x[i % x.length];
                }
                double[] t32 = new double[Math.max(3, c.reps()) + 2];
                for (int i = 0; i < t32.length; i++) {
                    try (NDManager sub = m.newSubManager()) {
                        NDArray xa = sub.create(x32, new Shape(32, 1, c.height(), c.width()));
                        long t0 = System.nanoTime();
                        block.forward(ps, new NDList(xa), false).singletonOrThrow().toFloatArray();
                        t32[i] = (System.nanoTime() - t0) / 1e6;
                    }
                }
                b32 = 32000.0 / median(Arrays.copyOfRange(t32, 2, t32.length));
            }
            return new double[] {trainMs, b1, b32};
        }
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private Map<String, Map<String, Double>> runPython(int n, List<Case> selected)
            throws IOException, InterruptedException {
        if (exec(List.of(python, "-c", "import torch"), null) != 0) {
            System.err.println(
                    "bench: python3 has no torch; installing Debian's python3-torch with apt-get");
            if (exec(List.of("apt-get", "install", "-y", "python3-torch"), null) != 0) {
                throw new IOException(
                        "apt-get install -y python3-torch failed; install it and rerun");
            }
        }
        Path s = script == null ? findScript() : script;
        List<String> names = new ArrayList<>();
        selected.forEach(c -> names.add(c.name()));
        Path outFile = Files.createTempFile("keypoints-bench", ".json");
        try {
            Map<String, String> env = Map.of("OMP_NUM_THREADS", Integer.toString(n));
            int rc =
                    exec(
                            List.of(
                                    python,
                                    s.toString(),
                                    Integer.toString(n),
                                    String.join(",", names)),
                            outFile,
                            env);
            String text = Files.readString(outFile, StandardCharsets.UTF_8).trim();
            if (rc != 0 || text.isEmpty()) {
                throw new IOException(s + " failed with exit code " + rc);
            }
            String last = text.substring(text.lastIndexOf('\n') + 1);
            Map<String, Object> parsed =
                    new Gson().fromJson(last, new TypeToken<Map<String, Object>>() {}.getType());
            @SuppressWarnings("unchecked")
            Map<String, Map<String, Double>> result =
                    new LinkedHashMap<>((Map<String, Map<String, Double>>) parsed.get("cases"));
            result.put("_version", Map.of(String.valueOf(parsed.get("torch")), 0.0));
            return result;
        } finally {
            Files.deleteIfExists(outFile);
        }
    }

    private static Path findScript() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            Path p = dir.resolve("bench/train_step.py");
            if (Files.isRegularFile(p)) {
                return p;
            }
            dir = dir.getParent();
        }
        throw new IllegalArgumentException(
                "bench/train_step.py not found above the working folder; pass --script");
    }

    private static int exec(List<String> cmd, Path stdout)
            throws IOException, InterruptedException {
        return exec(cmd, stdout, Map.of());
    }

    private static int exec(List<String> cmd, Path stdout, Map<String, String> env)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT);
        pb.environment().putAll(env);
        if (stdout != null) {
            pb.redirectOutput(stdout.toFile());
        } else {
            pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        }
        try {
            return pb.start().waitFor();
        } catch (IOException e) {
            throw new IOException("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
        }
    }
}
