package io.github.keypoints.train;

import io.github.keypoints.data.LandmarkDataset;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;
import javax.imageio.ImageIO;

/**
 * The report-pictures side job: when the run ends it draws the first convolution's filters ({@value
 * #FILTERS_FILE}) and, if the run computed validation metrics, the best and worst validation
 * predictions ({@value #GALLERY_FILE}). A picture that cannot be drawn is reported on the run's log
 * and does not fail the run, whose model is already saved.
 */
public final class ReportPictures implements KeypointTrainingListener {

    /** The filter picture's file name. */
    public static final String FILTERS_FILE = "filters.png";

    /** The prediction gallery's file name. */
    public static final String GALLERY_FILE = "gallery.png";

    private final Path directory;
    private TrainingRun run;

    /**
     * Creates the job.
     *
     * @param directory the run folder the pictures go into
     */
    public ReportPictures(Path directory) {
        this.directory = Objects.requireNonNull(directory, "directory");
    }

    @Override
    public void onRunStart(TrainingRun run) {
        this.run = run;
    }

    @Override
    public void onRunEnd(TrainedModel result) {
        if (run == null) {
            throw new IllegalStateException("ReportPictures heard the end before the start");
        }
        try {
            FilterGrid.write(result.model().block(), directory.resolve(FILTERS_FILE));
        } catch (IOException e) {
            run.log().println("warning: could not write " + FILTERS_FILE + ": " + e.getMessage());
        }
        if (!result.hasValidation()) {
            return;
        }
        LandmarkDataset val = run.validationSamples();
        try {
            PredictionGallery.write(
                    result.validation(),
                    index -> readImage(val.sample(index).image()),
                    4,
                    directory.resolve(GALLERY_FILE));
        } catch (IOException e) {
            run.log().println("warning: could not write " + GALLERY_FILE + ": " + e.getMessage());
        }
    }

    private static BufferedImage readImage(Path file) throws IOException {
        BufferedImage img = ImageIO.read(file.toFile());
        if (img == null) {
            throw new IOException(file + ": not an image format Java can read");
        }
        return img;
    }
}
