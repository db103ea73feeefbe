package io.github.keypoints.morph;

import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.format.ImmAsfFormat;
import io.github.keypoints.data.image.ImageFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.opencv.core.Mat;

/** Test access to the shared IMM faces (read in place, never copied into the repository). */
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
            return ImmAsfFormat.parse(asf).toPixels(640, 480);
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
