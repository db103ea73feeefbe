package example;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.image.OpenCv;

import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Cartoon faces with 58 IMM-style keypoints, made on the spot so the quick start needs no data set:
 * a head outline, two eyes, a mouth and a bright nose tip (IMM point 52), moved and scaled at
 * random on a 200×160 canvas.
 */
public final class SyntheticFaces {

    private static final int WIDTH = 200;
    private static final int HEIGHT = 160;

    private SyntheticFaces() {}

    /**
     * Writes {@code count} PNG faces into {@code dir} and returns them annotated.
     *
     * @param dir the folder to write (created)
     * @param count how many faces
     * @param seed the random seed
     * @return the annotated faces
     * @throws IOException if the folder cannot be created
     */
    public static List<FaceSample> write(Path dir, int count, long seed) throws IOException {
        OpenCv.load();
        Files.createDirectories(dir);
        Random random = new Random(seed);
        List<FaceSample> faces = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            double cx = WIDTH / 2.0 + (random.nextDouble() - 0.5) * 70;
            double cy = HEIGHT / 2.0 + (random.nextDouble() - 0.5) * 50;
            double s = 0.8 + 0.4 * random.nextDouble();
            float[] xy = template();
            for (int p = 0; p < xy.length; p += 2) {
                xy[p] = (float) (cx + s * xy[p]);
                xy[p + 1] = (float) (cy + s * xy[p + 1]);
            }
            Mat image = new Mat(HEIGHT, WIDTH, CvType.CV_8UC3, new Scalar(40, 40, 40));
            Imgproc.ellipse(
                    image,
                    new Point(cx, cy),
                    new Size(38 * s, 48 * s),
                    0,
                    0,
                    360,
                    new Scalar(110, 130, 160),
                    -1);
            Imgproc.circle(
                    image,
                    new Point(cx - 14 * s, cy - 12 * s),
                    (int) (5 * s),
                    new Scalar(20, 20, 20),
                    -1);
            Imgproc.circle(
                    image,
                    new Point(cx + 14 * s, cy - 12 * s),
                    (int) (5 * s),
                    new Scalar(20, 20, 20),
                    -1);
            Imgproc.ellipse(
                    image,
                    new Point(cx, cy + 24 * s),
                    new Size(12 * s, 4 * s),
                    0,
                    0,
                    360,
                    new Scalar(60, 60, 150),
                    -1);
            Imgproc.circle(
                    image,
                    new Point(xy[104], xy[105]),
                    (int) (4 * s),
                    new Scalar(255, 255, 255),
                    -1);
            Path file = dir.resolve(String.format("face-%03d.png", i));
            ImageFiles.write(image, file);
            image.release();
            faces.add(
                    FaceSample.of(
                            file.getFileName().toString(),
                            file,
                            Keypoints.of(LandmarkScheme.IMM_58, xy)));
        }
        return faces;
    }

    /**
     * 58 points about the face centre: 40 on the head outline, 8 per eye, the nose tip, the mouth.
     */
    private static float[] template() {
        float[] xy = new float[2 * 58];
        int p = 0;
        for (int k = 0; k < 40; k++) {
            double a = 2 * Math.PI * k / 40;
            xy[p++] = (float) (38 * Math.cos(a));
            xy[p++] = (float) (48 * Math.sin(a));
        }
        for (int side = -1; side <= 1; side += 2) {
            for (int k = 0; k < 4; k++) {
                double a = 2 * Math.PI * k / 4;
                xy[p++] = (float) (side * 14 + 5 * Math.cos(a));
                xy[p++] = (float) (-12 + 5 * Math.sin(a));
            }
        }
        for (int k = 0; k < 9; k++) {
            double a = 2 * Math.PI * k / 9;
            xy[p++] = (float) (12 * Math.cos(a));
            xy[p++] = (float) (24 + 4 * Math.sin(a));
        }
        // IMM point 52 is the nose tip: it takes the nose, and its mouth point moves to slot 57
        xy[2 * 57] = xy[2 * 52];
        xy[2 * 57 + 1] = xy[2 * 52 + 1];
        xy[2 * 52] = 0;
        xy[2 * 52 + 1] = 6;
        return xy;
    }
}
