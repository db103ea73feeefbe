package io.github.keypoints.examples;

import io.github.keypoints.data.Box;
import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.format.SubmissionCsv;
import io.github.keypoints.data.load.LoadedDataset;
import io.github.keypoints.models.inference.KeypointDetector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Writes a Kaggle-style submission CSV ({@code Id,Predicted}, one row per coordinate) from a saved
 * model and a set of test images with face boxes.
 */
@Command(
        name = "submission",
        mixinStandardHelpOptions = true,
        description = {
            "Predict every face of a test set with a saved model and write the Kaggle-style"
                    + " submission CSV (Id,Predicted; rows x0,y0,x1,y1,... per face, in"
                    + " original-image pixels). Face boxes: the annotated box (imglab XML), the"
                    + " whole image for whole-image models (IMM), else the tight box of the"
                    + " annotated points (.pts), read from --pts-origin's convention as"
                    + " evaluate reads them.",
            "Example: ./keypoints submission --model runs/300w/model --data"
                    + " ../shared/data/ibug_300w_sample/helen/testset --out submission.csv --json"
        })
public final class SubmissionCommand extends SavedModelOnData implements Callable<Integer> {

    @Option(names = "--out", required = true, description = "The CSV file to write.")
    Path out;

    @Option(names = "--flip-average", description = "Average with the mirrored prediction.")
    boolean flipAverage;

    @Option(names = "--json", description = "Print a JSON summary as the last line.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (!Files.exists(data)) {
            throw new IllegalArgumentException("--data " + data + " does not exist");
        }
        if (engine != null) {
            EngineSetup.requireEngine(engine);
        }
        LoadedDataset loaded = TrainCommand.load(data, format, ptsOrigin.origin());
        KeypointDetector.Builder b =
                KeypointDetector.builder().setModel(model).optFlipAverage(flipAverage);
        if (engine != null) {
            b.optEngine(engine);
        }
        List<Keypoints> predictions = new ArrayList<>();
        double mae = 0;
        try (KeypointDetector detector = b.build()) {
            boolean whole = detector.usesWholeImage();
            for (FaceSample s : loaded.samples()) {
                Optional<Box> box =
                        whole
                                ? Optional.empty()
                                : Optional.of(s.box().orElseGet(() -> s.keypoints().boundingBox()));
                Keypoints p = detector.detect(s.image(), box).keypoints();
                Keypoints t = s.keypoints().toScheme(p.scheme());
                double abs = 0;
                for (int i = 0; i < p.size(); i++) {
                    abs += Math.abs(p.x(i) - t.x(i)) + Math.abs(p.y(i) - t.y(i));
                }
                mae += abs / (2.0 * p.size());
                predictions.add(p);
            }
        }
        SubmissionCsv.write(predictions, out);
        int n = predictions.size();
        long rows = 2L * n * predictions.get(0).size();
        System.out.printf(
                Locale.ROOT,
                "%s: %d faces, %d rows; MAE against the annotations %.2f px%n",
                out,
                n,
                rows,
                mae / n);
        if (json) {
            new JsonSummary()
                    .put("out", out.toString())
                    .put("faces", n)
                    .put("rows", rows)
                    .put("mae_px", mae / n)
                    .put("skipped", loaded.skipped().size())
                    .print(System.out);
        }
        return 0;
    }
}
