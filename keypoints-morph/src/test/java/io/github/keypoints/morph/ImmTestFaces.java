package io.github.keypoints.morph;

import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.image.ImageFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.opencv.core.Mat;

/**
 * Test-only access to the shared IMM faces (never copied into the repository). The minimal .asf
 * reading here stays in tests; the library's parser lives in keypoints-data.
 */
final class ImmTestFaces {

    private ImmTestFaces() {}

    static Path dir() {
        return Path.of(System.getProperty("keypoints.shared.data", "../../shared/data"))
                .resolve("imm_face_db");
    }

    static List<Path> neutral() {
        try (Stream<Path> s = Files.list(dir())) {
            return s.filter(p -> p.getFileName().toString().matches("\\d\\d-1[mf]\\.jpg"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Keypoints shape(Path jpg) {
        Path asf = jpg.resolveSibling(jpg.getFileName().toString().replace(".jpg", ".asf"));
        try {
            List<String> lines = new ArrayList<>();
            for (String l : Files.readAllLines(asf)) {
                if (!l.isBlank() && !l.startsWith("#")) {
                    lines.add(l.trim());
                }
            }
            int n = Integer.parseInt(lines.get(0));
            float[] rel = new float[2 * n];
            for (int i = 0; i < n; i++) {
                String[] f = lines.get(1 + i).split("\\s+");
                rel[2 * i] = Float.parseFloat(f[2]);
                rel[2 * i + 1] = Float.parseFloat(f[3]);
            }
            return Keypoints.fromRelative(LandmarkScheme.IMM_58, rel, 640, 480);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Face face(Path jpg) {
        Mat m = ImageFiles.read(jpg, false);
        try {
            return new Face(jpg.getFileName().toString(), ImageBuffer.fromMat(m), shape(jpg));
        } finally {
            m.release();
        }
    }
}
