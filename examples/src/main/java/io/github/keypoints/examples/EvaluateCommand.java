package io.github.keypoints.examples;

import ai.djl.Device;
import ai.djl.training.loss.Loss;
import ai.djl.util.Pair;
import io.github.keypoints.data.Box;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.detect.BoxCalibration;
import io.github.keypoints.data.detect.CascadeFaceFinder;
import io.github.keypoints.data.detect.FaceFinder;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.io.AtomicOutput;
import io.github.keypoints.data.load.DatasetFormat;
import io.github.keypoints.data.load.LoadedDataset;
import io.github.keypoints.data.load.SplitRule;
import io.github.keypoints.models.KeypointModel;
import io.github.keypoints.models.ModelSpec;
import io.github.keypoints.models.inference.KeypointDetector;
import io.github.keypoints.train.EvaluationResult;
import io.github.keypoints.train.KeypointTrainer;
import io.github.keypoints.train.LandmarkErrors;
import io.github.keypoints.train.LandmarkRecipe;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.opencv.core.Mat;
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
                    + " sample. Face-crop models are given each face's tight ground-truth point"
                    + " box (the usual protocol); with --boxes finder they find the faces"
                    + " themselves, and the command reports how many annotated faces were found.",
            "Example: ./keypoints evaluate --model runs/300w/model --data"
                    + " ../shared/data/ibug_300w_sample/helen/testset --format pts --json"
        })
public final class EvaluateCommand extends SavedModelOnData implements Callable<Integer> {

    @Option(
            names = "--batch",
            description = "Batch size (default: the model's training batch size).")
    Integer batch;

    @Option(
            names = "--boxes",
            defaultValue = "tight",
            description =
                    "tight (each face's ground-truth point box, default) or finder (the bundled"
                            + " face finder's boxes: faces found, NME from them, and the"
                            + " calibration the finder's raw boxes fit on these faces).")
    String boxes;

    @Option(
            names = "--min-iou",
            defaultValue = "0.3",
            description =
                    "--boxes finder: a found box matches an annotated face when their"
                            + " intersection over union exceeds this (default ${DEFAULT-VALUE}).")
    double minIou;

    @Option(
            names = "--flip-average",
            description =
                    "Average each prediction with that of the mirrored face (test-time flip"
                            + " augmentation, through the inference API).")
    boolean flipAverage;

    @Option(
            names = "--held-out",
            description =
                    "Only the faces the model's training held out, by the split its provenance"
                            + " records (give --data as training did): all, or with a train-300w"
                            + " --audit model the half that chose the epoch (choosing) or the other"
                            + " (audit).")
    String heldOut;

    @Option(
            names = "--per-face",
            paramLabel = "FILE",
            description =
                    "Also write every face's error to this CSV (id, mean_px, nme, dx_px, dy_px:"
                            + " the mean signed offset, prediction - truth), in the data's order,"
                            + " so two models can be compared face by face.")
    Path perFace;

    @Option(names = "--json", description = "Print a JSON summary as the last line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        LoadedDataset loaded = TrainCommand.load(data, format, ptsOrigin.origin());
        Map<String, String> meta = KeypointModel.readSpec(model).provenance();
        List<FaceSample> faces =
                heldOut == null ? loaded.samples() : heldOutFaces(meta, loaded.samples(), heldOut);
        if ("finder".equalsIgnoreCase(boxes)) {
            if (perFace != null) {
                throw new IllegalArgumentException(
                        "--per-face is for the tight ground-truth box: the face finder's figures"
                                + " count missed faces, which have no error of their own");
            }
            return withFinder(faces);
        }
        if (!"tight".equalsIgnoreCase(boxes)) {
            throw new IllegalArgumentException(
                    "--boxes must be tight or finder, got '" + boxes + "'");
        }
        Pair<Double, EvaluationResult> r =
                flipAverage
                        ? new Pair<>(Double.NaN, throughDetector(faces))
                        : heldOut != null
                                ? evaluate(
                                        model,
                                        faces,
                                        engine,
                                        batch != null
                                                ? batch
                                                : Integer.parseInt(
                                                        meta.getOrDefault("batch_size", "32")))
                                : evaluate(model, loaded, data, format, engine, batch);
        printFigures(System.out, r.getValue(), r.getKey(), "evaluation");
        if (perFace != null) {
            AtomicOutput.writeString(perFace, perFaceCsv(r.getValue()));
        }
        if (json) {
            new JsonSummary()
                    .put("val_mean_px", r.getValue().meanPx())
                    .put("val_mae_px", r.getValue().maePx())
                    .put("val_nme", r.getValue().nme())
                    .put("val_mean_dx_px", r.getValue().meanDxPx())
                    .put("val_mean_dy_px", r.getValue().meanDyPx())
                    .put("val_loss", r.getKey())
                    .put("samples", r.getValue().count())
                    .put("model", model.toString())
                    .put("engine", KeypointModel.readSpec(model).engine())
                    .put("group_mean_px", r.getValue().groupMeanPx())
                    .print(System.out);
        }
        return 0;
    }

    /** The header of {@code --per-face}'s CSV. */
    static final String PER_FACE_HEADER = "id,mean_px,nme,dx_px,dy_px";

    /**
     * Every sample's error as CSV: {@value #PER_FACE_HEADER}, in the data's order, an id with a
     * comma, quote or line break quoted (RFC 4180).
     */
    static String perFaceCsv(EvaluationResult r) {
        StringBuilder csv = new StringBuilder(PER_FACE_HEADER).append('\n');
        for (EvaluationResult.SampleError e : r.samples()) {
            String id = e.id();
            if (id.contains(",") || id.contains("\"") || id.contains("\n") || id.contains("\r")) {
                id = '"' + id.replace("\"", "\"\"") + '"';
            }
            csv.append(id)
                    .append(',')
                    .append(e.meanPx())
                    .append(',')
                    .append(e.nme())
                    .append(',')
                    .append(e.meanDxPx())
                    .append(',')
                    .append(e.meanDyPx())
                    .append('\n');
        }
        return csv.toString();
    }

    /**
     * The faces a model's training held out, by the split in its provenance: {@code all}, or for a
     * {@code train-300w --audit} model the half that chose the epoch ({@code choosing}) or the
     * other ({@code audit}).
     *
     * @throws IllegalArgumentException if the provenance records no split, or no audit half for
     *     {@code choosing} and {@code audit}, or the part is none of the three
     */
    static List<FaceSample> heldOutFaces(
            Map<String, String> provenance, List<FaceSample> faces, String part) {
        SplitRule rule =
                SplitRule.fromProvenance(provenance)
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "--held-out: the model's provenance records no"
                                                        + " split ('"
                                                        + SplitRule.PROVENANCE_KEY
                                                        + "')"));
        List<FaceSample> held = rule.apply(faces).validation();
        return switch (part) {
            case "all" -> held;
            case "choosing", "audit" -> {
                if (!provenance.containsKey(Train300wCommand.AUDIT_KEY)) {
                    throw new IllegalArgumentException(
                            "--held-out "
                                    + part
                                    + ": the model was not trained with train-300w --audit, so"
                                    + " all its held-out faces chose the epoch");
                }
                var halves = Train300wCommand.auditHalves(held);
                yield part.equals("audit") ? halves.heldOut() : halves.train();
            }
            default ->
                    throw new IllegalArgumentException(
                            "--held-out must be all, choosing or audit, got '" + part + "'");
        };
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
        DatasetFormat dataFormat =
                format == null ? DatasetFormat.detect(data) : DatasetFormat.parse(format);
        if (dataFormat == DatasetFormat.IMM
                && SplitRule.fromProvenance(meta).orElse(null) instanceof SplitRule.ImmPersons p) {
            samples = p.apply(samples).validation();
        }
        int b = batch != null ? batch : Integer.parseInt(meta.getOrDefault("batch_size", "32"));
        try (KeypointModel km = KeypointModel.load(modelDir, eng, Device.cpu())) {
            return KeypointTrainer.evaluate(
                    km.block(),
                    FaceDatasets.forModel(km.spec(), samples, b),
                    b,
                    eng,
                    savedLoss(km.spec()));
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
                    savedLoss(km.spec()));
        }
    }

    /**
     * Measures every face through the inference API ({@link KeypointDetector}) with each face's box
     * (its annotated box, else the tight box of its points), so that detector options such as flip
     * averaging are measured; without them it gives the dataset path's figures.
     */
    private EvaluationResult throughDetector(List<FaceSample> samples) throws Exception {
        return throughDetector(model, engine, flipAverage, samples);
    }

    /**
     * Measures every face through {@link KeypointDetector} with each face's box, as {@code evaluate
     * --flip-average} does.
     *
     * @param model the model directory
     * @param engine the engine, or {@code null} for the one the model was trained on
     * @param flipAverage whether to average with the mirrored face
     * @param samples the faces
     */
    static EvaluationResult throughDetector(
            Path model, String engine, boolean flipAverage, List<FaceSample> samples)
            throws Exception {
        ModelSpec spec = KeypointModel.readSpec(model);
        String eng = engine == null ? spec.engine() : engine;
        EngineSetup.requireEngine(eng);
        LandmarkErrors errors = new LandmarkErrors(spec.landmarkScheme());
        try (KeypointDetector detector =
                KeypointDetector.builder()
                        .setModel(model)
                        .optEngine(eng)
                        .optFlipAverage(flipAverage)
                        .build()) {
            for (int i = 0; i < samples.size(); i++) {
                FaceSample s = samples.get(i);
                java.util.Optional<Box> box =
                        detector.usesWholeImage()
                                ? java.util.Optional.empty()
                                : java.util.Optional.of(s.faceBox(1.0));
                errors.add(s.id(), i, s.keypoints(), detector.detect(s.image(), box).keypoints());
            }
        }
        return errors.result();
    }

    /**
     * Lets the detector find the faces: each annotated face is matched to the found box that
     * overlaps its tight point box most; its NME is measured from that detection and, for
     * comparison, from the tight box.
     */
    private int withFinder(List<FaceSample> samples) throws Exception {
        ModelSpec spec = KeypointModel.readSpec(model);
        String eng = engine == null ? spec.engine() : engine;
        EngineSetup.requireEngine(eng);
        CascadeFaceFinder finder = CascadeFaceFinder.builder().build();
        LandmarkErrors fromFinder = new LandmarkErrors(spec.landmarkScheme());
        LandmarkErrors fromTight = new LandmarkErrors(spec.landmarkScheme());
        List<Box> raw = new ArrayList<>();
        List<Box> targets = new ArrayList<>();
        List<String> missed = new ArrayList<>();
        long finding = 0;
        // The detector "finds" the box matched to the annotated face, so its refinement runs as
        // for any found face while other faces in the photo stay out of the figures.
        AtomicReference<Box> matched = new AtomicReference<>();
        FaceFinder matchedFace = img -> List.of(matched.get());
        try (KeypointDetector detector =
                KeypointDetector.builder()
                        .setModel(model)
                        .optEngine(eng)
                        .optFaceFinder(matchedFace)
                        .optFlipAverage(flipAverage)
                        .build()) {
            for (int i = 0; i < samples.size(); i++) {
                FaceSample s = samples.get(i);
                Box truth = s.keypoints().boundingBox();
                Mat image = ImageFiles.read(s.image(), spec.inputChannels() == 1);
                try {
                    long t0 = System.nanoTime();
                    List<Box> found = finder.detect(image);
                    finding += System.nanoTime() - t0;
                    int best = -1;
                    double bestIou = minIou;
                    for (int j = 0; j < found.size(); j++) {
                        double iou = finder.calibration().apply(found.get(j)).iou(truth);
                        if (iou > bestIou) {
                            bestIou = iou;
                            best = j;
                        }
                    }
                    if (best < 0) {
                        missed.add(s.id());
                        continue;
                    }
                    raw.add(found.get(best));
                    targets.add(truth);
                    matched.set(finder.calibration().apply(found.get(best)));
                    Keypoints fromBox = detector.detectAll(image).get(0).keypoints();
                    fromFinder.add(s.id(), i, s.keypoints(), fromBox);
                    fromTight.add(
                            s.id(),
                            i,
                            s.keypoints(),
                            detector.detect(image, java.util.Optional.of(truth)).keypoints());
                } finally {
                    image.release();
                }
            }
        }
        EvaluationResult f = fromFinder.result();
        EvaluationResult t = fromTight.result();
        BoxCalibration fitted = raw.isEmpty() ? null : BoxCalibration.fit(raw, targets);
        System.out.printf(
                Locale.ROOT,
                "%s: %d of %d annotated faces found by %s (%.1f ms per photo)%n",
                data,
                f.count(),
                samples.size(),
                finder,
                finding / 1e6 / samples.size());
        System.out.printf(
                Locale.ROOT,
                "found faces: NME %.4f from the finder's box, %.4f from the tight box (ratio"
                        + " %.3f); mean %.2f px vs %.2f px%n",
                f.nme(),
                t.nme(),
                f.nme() / t.nme(),
                f.meanPx(),
                t.meanPx());
        if (fitted != null) {
            System.out.printf(Locale.ROOT, "calibration fitted on these faces: %s%n", fitted);
        }
        if (!missed.isEmpty()) {
            System.out.println("not found: " + String.join(", ", missed));
        }
        if (json) {
            JsonSummary j =
                    new JsonSummary()
                            .put("samples", samples.size())
                            .put("found", f.count())
                            .put("finder_nme", f.nme())
                            .put("finder_mean_px", f.meanPx())
                            .put("tight_nme", t.nme())
                            .put("tight_mean_px", t.meanPx())
                            .put("ms_per_photo", finding / 1e6 / samples.size())
                            .put("missed", missed)
                            .put("model", model.toString())
                            .put("engine", eng);
            if (fitted != null) {
                j.put(
                        "calibration",
                        List.of(
                                fitted.scaleX(),
                                fitted.scaleY(),
                                fitted.offsetX(),
                                fitted.offsetY()));
            }
            j.print(System.out);
        }
        return 0;
    }

    /** The loss a model was trained with (by its name in the provenance), at its input size. */
    private static Loss savedLoss(ModelSpec spec) {
        return LandmarkRecipe.builder()
                .optLoss(
                        TrainCommand.lossKind(
                                lossKey(spec.provenance().getOrDefault("loss", "mse"))))
                .optInputSize(spec.inputWidth(), spec.inputHeight())
                .build()
                .loss();
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
        if (!Double.isNaN(r.meanDxPx())) {
            out.printf(
                    Locale.ROOT,
                    "  mean offset, prediction - truth: x %+.3f px, y %+.3f px%n",
                    r.meanDxPx(),
                    r.meanDyPx());
        }
        r.groupMeanPx().forEach((g, v) -> out.printf(Locale.ROOT, "  %-18s %.2f px%n", g, v));
    }
}
