package io.github.keypoints.data.format;

import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.io.AtomicOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads and writes IMM Face Database "AAM Shape Files" ({@code .asf}).
 *
 * <p>Layout: {@code #} comment lines anywhere; a point-count line ({@code 58}); one line per point
 * with 7 or more whitespace-separated fields {@code <path#> <type> <x rel.> <y rel.> <point#>
 * <connects from> <connects to> [user fields…]}; then the host image file name. Coordinates are
 * relative to the image size; {@link ImmShape#toPixels(int, int)} converts them with the real image
 * size.
 */
public final class ImmAsfFormat {

    private static final LandmarkScheme SCHEME = LandmarkScheme.IMM_58;

    /** IMM paths that are closed outlines (eyes, mouth); the others are open. */
    private static final java.util.Set<String> CLOSED =
            java.util.Set.of("eye_image_right", "eye_image_left", "mouth");

    private ImmAsfFormat() {}

    /**
     * Parses an {@code .asf} file.
     *
     * @param file the file
     * @return the relative points and host image name
     * @throws MalformedAnnotationException naming the line if the file is not a 58-point IMM shape
     * @throws IOException if the file cannot be read
     */
    public static ImmShape parse(Path file) throws IOException {
        TextLines in = TextLines.read(file);
        String countLine = in.nextContent();
        if (countLine == null) {
            throw new MalformedAnnotationException(
                    file, in.endLine(), "expected the point count line, found end of file");
        }
        int count;
        try {
            count = Integer.parseInt(countLine);
        } catch (NumberFormatException e) {
            throw in.error(
                    "expected the point count (an integer), found " + TextLines.quote(countLine));
        }
        if (count != SCHEME.size()) {
            throw in.error(
                    "expected "
                            + SCHEME.size()
                            + " points (IMM 58-point markup), found a point count of "
                            + count);
        }
        float[] xy = new float[2 * count];
        for (int i = 0; i < count; i++) {
            String line = in.nextContent();
            if (line == null) {
                throw new MalformedAnnotationException(
                        file,
                        in.endLine(),
                        "expected " + count + " point lines, found " + i + " before end of file");
            }
            String[] f = line.split("\\s+");
            if (f.length < 7) {
                throw in.error(
                        "expected point line "
                                + (i + 1)
                                + " of "
                                + count
                                + " with 7 or more fields, found "
                                + f.length
                                + (f.length == 1 ? " field: " : " fields: ")
                                + TextLines.quote(line));
            }
            double x = in.number(f[2], "x rel. of point " + i);
            double y = in.number(f[3], "y rel. of point " + i);
            double pointNo = in.number(f[4], "point# of point " + i);
            if (pointNo != i) {
                throw in.error("expected point# " + i + ", found " + TextLines.quote(f[4]));
            }
            for (int k = 5; k < f.length; k++) {
                in.number(f[k], "field " + (k + 1) + " of point " + i);
            }
            xy[2 * i] = (float) x;
            xy[2 * i + 1] = (float) y;
        }
        String host = in.nextContent();
        if (host == null) {
            throw new MalformedAnnotationException(
                    file, in.endLine(), "expected the host image line, found end of file");
        }
        String extra = in.nextContent();
        if (extra != null) {
            throw in.error(
                    "expected end of file after the host image line, found "
                            + TextLines.quote(extra));
        }
        return new ImmShape(Keypoints.of(SCHEME, xy), host);
    }

    /**
     * Writes an {@code .asf} file in the layout of the IMM database (7 tab-separated fields per
     * point), atomically. Values are written so that {@link #parse(Path)} gives back the same
     * floats.
     *
     * @param shape the relative points (IMM 58 scheme) and host image
     * @param file the target file
     * @throws IOException if the file cannot be written
     */
    public static void write(ImmShape shape, Path file) throws IOException {
        Keypoints k = shape.relative();
        if (!k.scheme().equals(SCHEME)) {
            throw new IllegalArgumentException(
                    "Expected keypoints in the " + SCHEME.name() + " scheme, found " + k.scheme());
        }
        StringBuilder sb = new StringBuilder();
        sb.append("#\n# AAM Shape File written by keypoints\n#\n\n");
        sb.append("#\n# number of model points\n#\n").append(k.size()).append("\n\n");
        sb.append("#\n# model points\n#\n");
        sb.append(
                "# format: <path#> <type> <x rel.> <y rel.> <point#> <connects from> <connects"
                        + " to>\n#\n");
        int path = 0;
        String[] lines = new String[k.size()];
        for (Map.Entry<String, int[]> g : SCHEME.groups().entrySet()) {
            int[] idx = g.getValue();
            boolean closed = CLOSED.contains(g.getKey());
            for (int j = 0; j < idx.length; j++) {
                int i = idx[j];
                int from = j > 0 ? idx[j - 1] : closed ? idx[idx.length - 1] : i;
                int to = j < idx.length - 1 ? idx[j + 1] : closed ? idx[0] : i;
                lines[i] =
                        path
                                + " \t"
                                + (closed ? 0 : 4)
                                + " \t"
                                + TextLines.plain(k.x(i))
                                + " \t"
                                + TextLines.plain(k.y(i))
                                + " \t"
                                + i
                                + " \t"
                                + from
                                + " \t"
                                + to
                                + "\n";
            }
            path++;
        }
        for (String line : lines) {
            sb.append(line);
        }
        sb.append("\n#\n# host image\n#\n").append(shape.hostImage()).append('\n');
        AtomicOutput.writeString(file, sb.toString());
    }
}
