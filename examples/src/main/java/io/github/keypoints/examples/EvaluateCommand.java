package io.github.keypoints.examples;

import ai.djl.Device;
import ai.djl.util.Pair;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.load.LoadedDataset;
import io.github.keypoints.models.KeypointModel;
import io.github.keypoints.models.ModelSpec;
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
            "Evaluate a saved model directory on a dataset, in original-image pixels.",
            "IMM data: the validation persons of the model's training split; other data: every"
                    + " sample."
        })
public final class EvaluateCommand implements Callable<Integer> {

    @Option(
            names = "--model",
            required = true,
            description = "A model directory written by train (its model/ folder).")
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
        LoadedDataset loaded = TrainCommand.load(data, format);
        Pair<Double, EvaluationResult> r = evaluate(model, loaded, data, format, engine, batch);
        printFigures(System.out, r.getValue(), r.getKey(), "evaluation");
        if (json) {
            new JsonSummary()
                    .put("val_mean_px", r.getValue().meanPx())
                    .put("val_mae_px", r.getValue().maePx())
                    .put("val_nme", r.getValue().nme())
                    .put("val_loss", r.getKey())
                    .put("samples", r.getValue().count())
                    .put("model", model.toString())
                    .put("engine", KeypointModel.readSpec(model).engine())
                    .put("group_mean_px", r.getValue().groupMeanPx())
                    .print(System.out);
        }
        return 0;
    }

    /**
     * Measures a saved model on the faces it was validated on (IMM: the validation persons of its
     * split; other data: every sample) with the trainer's own validation code and the model's own
     * preprocessing, so the figures are those {@code train} reported.
     *
     * @param engine the engine, or {@code null} for the one the model was trained on
     * @param batch the batch size, or {@code null} for the model's training batch size
     */
    static Pair<Double, EvaluationResult> evaluate(
            Path modelDir,
            LoadedDataset loaded,
            Path data,
            String format,
            String engine,
            Integer batch)
            throws java.io.IOException {
        ModelSpec spec = KeypointModel.readSpec(modelDir);
        Map<String, String> meta = spec.provenance();
        String eng = engine == null ? spec.engine() : engine;
        EngineSetup.requireEngine(eng);
        List<FaceSample> samples = loaded.samples();
        String split = meta.getOrDefault("split", "");
        if (split.startsWith("imm-person<=")) {
            String last = split.substring("imm-person<=".length()).split(";")[0];
            samples =
                    TrainCommand.split(loaded, format, data, Integer.parseInt(last), 0)
                            .validation();
        }
        int b = batch != null ? batch : Integer.parseInt(meta.getOrDefault("batch_size", "32"));
        try (KeypointModel km = KeypointModel.load(modelDir, eng, Device.cpu())) {
            return KeypointTrainer.evaluate(
                    km.block(),
                    FaceDatasets.forModel(km.spec(), samples, b),
                    b,
                    eng,
                    TrainCommand.loss(
                            lossKey(meta.getOrDefault("loss", "mse")), km.spec().inputWidth()));
        }
    }

    /**
     * Measures a saved model on every given face with the model's own preprocessing (for face-crop
     * models: the tight box of the ground-truth points, grown as in training).
     *
     * @param engine the engine, or {@code null} for the one the model was trained on
     * @param batch the batch size
     */
    static Pair<Double, EvaluationResult> evaluate(
            Path modelDir, List<FaceSample> samples, String engine, int batch)
            throws java.io.IOException {
        ModelSpec spec = KeypointModel.readSpec(modelDir);
        String eng = engine == null ? spec.engine() : engine;
        EngineSetup.requireEngine(eng);
        try (KeypointModel km = KeypointModel.load(modelDir, eng, Device.cpu())) {
            return KeypointTrainer.evaluate(
                    km.block(),
                    FaceDatasets.forModel(km.spec(), samples, batch),
                    batch,
                    eng,
                    TrainCommand.loss(
                            lossKey(spec.provenance().getOrDefault("loss", "mse")),
                            km.spec().inputWidth()));
        }
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
