package io.github.keypoints.examples;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.util.Pair;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.load.LoadedDataset;
import io.github.keypoints.train.Checkpoint;
import io.github.keypoints.train.EvaluationResult;
import io.github.keypoints.train.KeypointTrainer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code keypoints evaluate}: reloads a trained model from its file alone and measures it on data.
 */
@Command(
        name = "evaluate",
        mixinStandardHelpOptions = true,
        description = {
            "Evaluate a saved model (model.kpt) on a dataset, in original-image pixels.",
            "IMM data: the validation persons of the model's training split; other data: every"
                    + " sample."
        })
public final class EvaluateCommand implements Callable<Integer> {

    @Option(names = "--model", required = true, description = "A model.kpt written by train.")
    Path model;

    @Option(names = "--data", required = true, description = "Dataset folder or file.")
    Path data;

    @Option(names = "--format", description = "imm, pts or xml (detected when omitted).")
    String format;

    @Option(names = "--engine", description = "Engine (default: the one the model was trained on).")
    String engine;

    @Option(
            names = "--batch",
            description = "Batch size (default: the model's training batch size).")
    Integer batch;

    @Option(names = "--json", description = "Print a JSON summary as the last line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Checkpoint ck = Checkpoint.load(model);
        Map<String, String> meta = ck.metadata();
        String eng = engine == null ? meta.getOrDefault("engine", "PyTorch") : engine;
        EngineSetup.requireEngine(eng);
        int w = Integer.parseInt(require(meta, "input_width"));
        int h = Integer.parseInt(require(meta, "input_height"));
        LoadedDataset loaded = TrainCommand.load(data, format);
        LandmarkScheme scheme =
                "nose-tip".equals(meta.get("scheme"))
                        ? LandmarkScheme.NOSE_TIP
                        : loaded.samples().get(0).keypoints().scheme();
        List<FaceSample> samples = loaded.samples();
        String split = meta.getOrDefault("split", "");
        TrainCommand.Split s;
        if (split.startsWith("imm-person<=")) {
            int last = Integer.parseInt(split.substring("imm-person<=".length()));
            s = TrainCommand.split(loaded, format, data, last);
            samples = s.validation();
        }
        ResizedFaceDataset ds = new ResizedFaceDataset(samples, scheme, w, h);
        Block block = Architectures.rebuild(meta);
        try (NDManager manager = NDManager.newBaseManager(Device.cpu(), eng)) {
            block.initialize(manager, DataType.FLOAT32, new Shape(1, 1, h, w));
            ck.restoreParameters(block, manager);
            String lossName = meta.getOrDefault("loss", "mse");
            Pair<Double, EvaluationResult> r =
                    KeypointTrainer.evaluate(
                            block,
                            ds,
                            batch == null
                                    ? Integer.parseInt(meta.getOrDefault("batch_size", "32"))
                                    : batch,
                            eng,
                            TrainCommand.loss(lossKey(lossName), w));
            printFigures(System.out, r.getValue(), r.getKey(), "evaluation");
            if (json) {
                new JsonSummary()
                        .put("val_mean_px", r.getValue().meanPx())
                        .put("val_mae_px", r.getValue().maePx())
                        .put("val_nme", r.getValue().nme())
                        .put("val_loss", r.getKey())
                        .put("samples", r.getValue().count())
                        .put("model", model.toString())
                        .put("engine", eng)
                        .put("group_mean_px", r.getValue().groupMeanPx())
                        .print(System.out);
            }
        }
        return 0;
    }

    private static String lossKey(String djlName) {
        switch (djlName) {
            case "mse_sum":
                return "mse-sum";
            case "l1":
            case "wing":
                return djlName;
            default:
                return "mse";
        }
    }

    private String require(Map<String, String> meta, String key) {
        String v = meta.get(key);
        if (v == null) {
            throw new IllegalArgumentException(model + ": model metadata lacks '" + key + "'");
        }
        return v;
    }

    static void printFigures(PrintStream out, EvaluationResult r, double loss, String label) {
        out.printf(
                Locale.ROOT,
                "%s: %d faces, mean point error %.2f px, MAE %.2f px, NME %s, loss %.6g%n",
                label,
                r.count(),
                r.meanPx(),
                r.maePx(),
                Double.isNaN(r.nme())
                        ? "n/a (scheme has no normaliser points)"
                        : String.format(Locale.ROOT, "%.4f", r.nme()),
                loss);
        r.groupMeanPx().forEach((g, v) -> out.printf(Locale.ROOT, "  %-18s %.2f px%n", g, v));
    }
}
