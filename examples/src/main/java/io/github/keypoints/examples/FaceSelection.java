package io.github.keypoints.examples;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.image.ImageFiles;
import io.github.keypoints.data.load.DatasetLoader;
import io.github.keypoints.data.load.LoadedDataset;
import io.github.keypoints.morph.Face;
import io.github.keypoints.morph.ImageBuffer;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opencv.core.Mat;

/**
 * Picks annotated faces out of a dataset for the morph commands: by glob on the image file name, or
 * by an explicit list of names, and decodes them into {@link Face}s.
 */
final class FaceSelection {

    private FaceSelection() {}

    /**
     * Loads every annotated face of the dataset at {@code data} (strict: a bad file is an error).
     */
    static List<FaceSample> load(Path data) throws IOException {
        if (!Files.exists(data)) {
            throw new IllegalArgumentException("--data: no such file or folder: " + data);
        }
        LoadedDataset loaded = DatasetLoader.builder().setPath(data).optStrict(true).build().load();
        if (loaded.samples().isEmpty()) {
            throw new IllegalArgumentException("--data: no annotated faces found in " + data);
        }
        return loaded.samples();
    }

    /** Keeps the samples whose image file name matches the glob (such as {@code *-1?.jpg}). */
    static List<FaceSample> glob(List<FaceSample> samples, String pattern, String option) {
        PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        List<FaceSample> out = new ArrayList<>();
        for (FaceSample s : samples) {
            if (m.matches(s.image().getFileName())) {
                out.add(s);
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(
                    option + ": pattern '" + pattern + "' matches no annotated image");
        }
        return out;
    }

    /**
     * Keeps the named samples, in the order given; a name is an image file name, its base name or a
     * sample id.
     */
    static List<FaceSample> named(List<FaceSample> samples, List<String> names) {
        Map<String, FaceSample> index = new LinkedHashMap<>();
        for (FaceSample s : samples) {
            String file = s.image().getFileName().toString();
            index.putIfAbsent(file, s);
            int dot = file.lastIndexOf('.');
            index.putIfAbsent(dot < 0 ? file : file.substring(0, dot), s);
            index.putIfAbsent(s.id(), s);
        }
        List<FaceSample> out = new ArrayList<>();
        for (String n : names) {
            String key = Path.of(n).getFileName().toString();
            FaceSample s = index.get(key);
            if (s == null) {
                throw new IllegalArgumentException(
                        "--faces: no annotated face named '" + n + "' in the dataset");
            }
            out.add(s);
        }
        return out;
    }

    /** Decodes one sample into a face. */
    static Face decode(FaceSample s) {
        Mat m = ImageFiles.read(s.image(), false);
        try {
            return new Face(s.id(), ImageBuffer.fromMat(m), s.keypoints());
        } finally {
            m.release();
        }
    }

    /** Parses {@code WxH}. */
    static int[] size(String text, String option) {
        String[] p = text.toLowerCase(java.util.Locale.ROOT).split("x");
        try {
            if (p.length == 2) {
                int w = Integer.parseInt(p[0].trim());
                int h = Integer.parseInt(p[1].trim());
                if (w > 0 && h > 0) {
                    return new int[] {w, h};
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(
                option + ": expected WIDTHxHEIGHT with positive numbers, found '" + text + "'");
    }
}
