package io.github.keypoints.data;

import io.github.keypoints.data.format.ImmAsfFormat;
import io.github.keypoints.data.format.ImmShape;
import io.github.keypoints.data.format.PtsFormat;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.image.OpenCv;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Scalar;

/** Small synthetic datasets that tests write into a temporary folder. */
public final class Fixtures {

    private Fixtures() {}

    /** Writes a plain image of the given size; the extension chooses the format. */
    public static Path image(Path file, int width, int height) {
        OpenCv.load();
        Mat m = new Mat(height, width, CvType.CV_8UC3, new Scalar(90, 120, 150));
        try {
            ImageFiles.write(m, file);
        } finally {
            m.release();
        }
        return file;
    }

    /** Returns 58 relative points in [0.3, 0.7], seeded. */
    public static Keypoints immRelative(long seed) {
        Random r = new Random(seed);
        float[] xy = new float[116];
        for (int i = 0; i < xy.length; i++) {
            xy[i] = 0.3f + 0.4f * r.nextFloat();
        }
        return Keypoints.of(LandmarkScheme.IMM_58, xy);
    }

    /** Writes {@code name.asf} and a {@code name.jpg} of the given size into a folder. */
    public static Path immPair(Path dir, String name, int width, int height) throws IOException {
        Files.createDirectories(dir);
        image(dir.resolve(name + ".jpg"), width, height);
        Path asf = dir.resolve(name + ".asf");
        ImmAsfFormat.write(new ImmShape(immRelative(name.hashCode()), name + ".jpg"), asf);
        return asf;
    }

    /** Returns 68 points inside a width×height image, seeded. */
    public static Keypoints ibug(long seed, int width, int height) {
        Random r = new Random(seed);
        float[] xy = new float[136];
        for (int i = 0; i < xy.length; i += 2) {
            xy[i] = width * (0.2f + 0.6f * r.nextFloat());
            xy[i + 1] = height * (0.2f + 0.6f * r.nextFloat());
        }
        return Keypoints.of(LandmarkScheme.IBUG_68, xy);
    }

    /** Writes {@code name.pts} and a {@code name.png} into a folder. */
    public static Path ptsPair(Path dir, String name, int width, int height) throws IOException {
        Files.createDirectories(dir);
        image(dir.resolve(name + ".png"), width, height);
        Path pts = dir.resolve(name + ".pts");
        PtsFormat.write(ibug(name.hashCode(), width, height), pts);
        return pts;
    }

    /** Returns the text of a {@code .pts} file with the given coordinate lines. */
    public static String ptsText(int declared, String... lines) {
        StringBuilder sb = new StringBuilder("version: 1\nn_points:  " + declared + "\n{\n");
        for (String l : lines) {
            sb.append(l).append('\n');
        }
        return sb.append("}\n").toString();
    }

    /** Returns {@code n} coordinate lines {@code "10.5 20.25"}. */
    public static String[] ptsLines(int n) {
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            out[i] = (10 + i) + ".5 " + (20 + i) + ".25";
        }
        return out;
    }

    /** Returns one imglab box element with 68 parts inside a 100×80 image. */
    public static String xmlBox(int top, int left, String extraAttributes) {
        StringBuilder sb = new StringBuilder();
        sb.append("    <box top='")
                .append(top)
                .append("' left='")
                .append(left)
                .append("' width='40' height='40'")
                .append(extraAttributes)
                .append(">\n");
        for (int i = 0; i < 68; i++) {
            sb.append(
                    String.format(
                            "      <part name='%02d' x='%d' y='%d'/>%n",
                            i, left + i % 40, top + i / 2));
        }
        return sb.append("    </box>\n").toString();
    }
}
