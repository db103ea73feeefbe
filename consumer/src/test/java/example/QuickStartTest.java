package example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.models.inference.FaceLandmarks;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;

/** Runs the quick start's three paths on synthetic faces, as a user's build would. */
class QuickStartTest {

    @TempDir Path dir;

    @Test
    void trainLandmarkThroughCriteriaAndAverage() throws Exception {
        List<FaceSample> faces = SyntheticFaces.write(dir.resolve("faces"), 80, 1);
        Path model =
                QuickStart.train(faces.subList(0, 56), faces.subList(56, 72), dir.resolve("run"));
        assertTrue(Files.isRegularFile(model.resolve("model.json")), "model directory written");

        // Landmark the eight unseen faces through Criteria; the model must beat the guess of the
        // training faces' mean nose position, which knows nothing of the photo.
        double meanX = 0;
        double meanY = 0;
        for (FaceSample f : faces.subList(0, 56)) {
            Keypoints nose = f.keypoints().toScheme(LandmarkScheme.NOSE_TIP);
            meanX += nose.x(0) / 56;
            meanY += nose.y(0) / 56;
        }
        double modelError = 0;
        double guessError = 0;
        for (FaceSample f : faces.subList(72, 80)) {
            FaceLandmarks found = QuickStart.landmark(model, f.image());
            assertEquals(1, found.faces().size(), "one face: the whole image");
            Keypoints truth = f.keypoints().toScheme(LandmarkScheme.NOSE_TIP);
            Keypoints got = found.faces().get(0).keypoints();
            modelError += Math.hypot(got.x(0) - truth.x(0), got.y(0) - truth.y(0)) / 8;
            guessError += Math.hypot(meanX - truth.x(0), meanY - truth.y(0)) / 8;
        }
        System.out.printf(
                "unseen faces: model %.1f px, mean-position guess %.1f px%n",
                modelError, guessError);
        assertTrue(
                modelError < 0.5 * guessError,
                "model " + modelError + " px vs guess " + guessError + " px");

        Path png = dir.resolve("mean.png");
        assertEquals(3, QuickStart.meanFace(faces.subList(0, 3), png));
        BufferedImage mean = ImageIO.read(png.toFile());
        assertEquals(200, mean.getWidth());
        assertEquals(160, mean.getHeight());
    }
}
