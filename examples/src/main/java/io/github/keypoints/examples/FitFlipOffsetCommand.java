package io.github.keypoints.examples;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.load.LoadedDataset;
import io.github.keypoints.data.load.SplitRule;
import io.github.keypoints.models.KeypointModel;
import io.github.keypoints.models.ModelSpec;
import io.github.keypoints.models.inference.FlipOffsetFit;
import io.github.keypoints.models.inference.KeypointDetector;
import io.github.keypoints.train.EvaluationResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code keypoints fit-flip-offset}: fits a model's flip-averaging offset ({@link
 * ModelSpec#flipOffsetX()}) on faces it did not train on and writes it into its {@code model.json}.
 */
@Command(
        name = "fit-flip-offset",
        mixinStandardHelpOptions = true,
        description = {
            "Fit the horizontal offset that flip-averaged predictions need (the side annotators"
                    + " lean to, which mirrored training cannot learn) on faces the model did not"
                    + " train on, and write it into the model's model.json.",
            "By default the faces are those the model's training held out (give --data as"
                    + " training did); --every-face uses every face of --data instead.",
            "Example: ./keypoints fit-flip-offset --model runs/300w/model --data"
                    + " ../shared/data/ibug_300w_train --format pts"
        })
public final class FitFlipOffsetCommand extends SavedModelOnData implements Callable<Integer> {

    @Option(
            names = "--every-face",
            description =
                    "Fit on every face of --data (faces the model never saw) instead of its"
                            + " held-out faces.")
    boolean everyFace;

    @Option(names = "--dry-run", description = "Measure and print, but do not write model.json.")
    boolean dryRun;

    @Option(names = "--json", description = "Print a JSON summary as the last line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        LoadedDataset loaded = TrainCommand.load(data, format, ptsOrigin.origin());
        ModelSpec spec = KeypointModel.readSpec(model);
        List<FaceSample> faces = everyFace ? loaded.samples() : heldOut(spec, loaded);
        String eng = engine == null ? spec.engine() : engine;
        EngineSetup.requireEngine(eng);
        FlipOffsetFit fit = fit(model, eng, faces);
        EvaluationResult before = EvaluateCommand.throughDetector(model, eng, true, faces);
        String source = everyFace ? "every face of --data" : "held-out faces";
        System.out.printf(
                Locale.ROOT,
                "%d %s: flip-averaged points lie %+.4f input px from the annotations in x with the"
                        + " model's offset %.4f; fitted offset %.4f input px%n",
                fit.faces(),
                source,
                fit.residualX(),
                spec.flipOffsetX(),
                fit.offsetX());
        EvaluationResult after = null;
        if (!dryRun) {
            write(model, fit, source + " of " + data);
            after = EvaluateCommand.throughDetector(model, eng, true, faces);
            System.out.printf(
                    Locale.ROOT,
                    "Wrote %s. Flip-averaged NME on these faces (the ones fitted on): %.4f %% before,"
                            + " %.4f %% after; mean x offset %+.3f px before, %+.3f px after"
                            + " (original pixels).%n",
                    model.resolve(KeypointModel.SPEC_FILE),
                    100 * before.nme(),
                    100 * after.nme(),
                    before.meanDxPx(),
                    after.meanDxPx());
        } else {
            System.out.printf(
                    Locale.ROOT,
                    "Dry run: model.json not written. Flip-averaged NME on these faces: %.4f %%.%n",
                    100 * before.nme());
        }
        if (json) {
            JsonSummary j =
                    new JsonSummary()
                            .put("faces", fit.faces())
                            .put("residual_x_input_px", fit.residualX())
                            .put("previous_offset_x", spec.flipOffsetX())
                            .put("offset_x", fit.offsetX())
                            .put("written", !dryRun)
                            .put("nme_before", before.nme())
                            .put("mean_dx_px_before", before.meanDxPx());
            if (after != null) {
                j.put("nme_after", after.nme()).put("mean_dx_px_after", after.meanDxPx());
            }
            j.print(System.out);
        }
        return 0;
    }

    /**
     * Fits a model's flip offset on faces through a flip-averaging detector.
     *
     * @param model the model directory
     * @param engine the engine
     * @param faces faces the model did not train on
     */
    static FlipOffsetFit fit(Path model, String engine, List<FaceSample> faces) throws Exception {
        try (KeypointDetector detector =
                KeypointDetector.builder()
                        .setModel(model)
                        .optEngine(engine)
                        .optFlipAverage(true)
                        .build()) {
            return FlipOffsetFit.fit(detector, faces);
        }
    }

    /**
     * Writes a fitted offset into a model's spec, with a provenance entry {@code flip_offset_fit}
     * that names the faces.
     *
     * @param model the model directory
     * @param fit the fit
     * @param faces what the faces were, for the provenance
     */
    static void write(Path model, FlipOffsetFit fit, String faces) throws java.io.IOException {
        ModelSpec spec = KeypointModel.readSpec(model);
        KeypointModel.writeSpec(
                model,
                spec.withFlipOffsetX(fit.offsetX())
                        .withProvenance(
                                Map.of(
                                        "flip_offset_fit",
                                        String.format(
                                                Locale.ROOT,
                                                "%d %s, residual %+.4f input px",
                                                fit.faces(),
                                                faces,
                                                fit.residualX()))));
    }

    private List<FaceSample> heldOut(ModelSpec spec, LoadedDataset loaded) {
        if (SplitRule.fromProvenance(spec.provenance()).isEmpty()) {
            throw new IllegalArgumentException(
                    model
                            + ": the model's provenance records no split of its training faces;"
                            + " give faces it did not train on with --data and --every-face");
        }
        return EvaluateCommand.heldOutFaces(spec.provenance(), loaded.samples(), "all");
    }
}
