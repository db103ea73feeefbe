package io.github.keypoints.data.format;

import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.LandmarkScheme;
import io.github.keypoints.data.io.AtomicOutput;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Reads and writes iBUG 300-W {@code .pts} files.
 *
 * <p>Layout: {@code version: 1}, {@code n_points: N}, {@code {}, N lines {@code x y} in absolute
 * pixels, {@code }}.
 *
 * <p>Coordinates are {@linkplain PixelOrigin#ONE_BASED one-based} unless told otherwise: the file's
 * top-left pixel centre is {@code (1, 1)}, so one is subtracted from every coordinate on reading
 * and added on writing. That is the convention of 300-W's own toolkit (menpo's {@code .pts}
 * importer subtracts one), and a measured one: with coordinates taken as written, a 68-point model
 * trained with random mirroring landed 1.04 px left of the labels on held-out faces and 0.04 px
 * above them ({@code docs/results-300w.md}), the signature of labels one pixel right of the pixels
 * they mark. Files that put the first pixel at {@code (0, 0)} are read with {@link #parse(Path,
 * PixelOrigin)} and {@link PixelOrigin#ZERO_BASED}.
 */
public final class PtsFormat {

    private PtsFormat() {}

    /**
     * Parses a one-based {@code .pts} file, such as 300-W's: {@code parse(file,
     * PixelOrigin.ONE_BASED)}.
     *
     * @param file the file
     * @return the keypoints in the library's pixel coordinates (first pixel's centre at 0)
     * @throws MalformedAnnotationException naming the line if the file is not a {@code .pts} file
     * @throws IOException if the file cannot be read
     */
    public static Keypoints parse(Path file) throws IOException {
        return parse(file, PixelOrigin.ONE_BASED);
    }

    /**
     * Parses a {@code .pts} file. Files with 68 points get the {@link LandmarkScheme#IBUG_68}
     * scheme; other counts get a plain scheme named {@code pts-N} with the identity flip.
     *
     * @param file the file
     * @param origin where the file's coordinates start
     * @return the keypoints in the library's pixel coordinates (first pixel's centre at 0)
     * @throws MalformedAnnotationException naming the line if the file is not a {@code .pts} file
     * @throws IOException if the file cannot be read
     */
    public static Keypoints parse(Path file, PixelOrigin origin) throws IOException {
        int offset = Objects.requireNonNull(origin, "origin").offset();
        TextLines in = TextLines.read(file);
        String version = in.nextNonBlank();
        if (version == null) {
            throw new MalformedAnnotationException(
                    file, in.endLine(), "expected 'version: 1', found end of file (empty file)");
        }
        if (!version.matches("version:\\s*\\S+")) {
            throw in.error("expected 'version: 1', found " + TextLines.quote(version));
        }
        String nLine = in.nextNonBlank();
        int n;
        if (nLine == null || !nLine.matches("n_points:\\s*\\d+")) {
            throw nLine == null
                    ? new MalformedAnnotationException(
                            file, in.endLine(), "expected 'n_points: N', found end of file")
                    : in.error("expected 'n_points: N', found " + TextLines.quote(nLine));
        }
        try {
            n = Integer.parseInt(nLine.substring(nLine.indexOf(':') + 1).strip());
        } catch (NumberFormatException e) {
            throw in.error(
                    "expected 'n_points: N' with N an integer, found " + TextLines.quote(nLine));
        }
        if (n <= 0) {
            throw in.error("expected a positive n_points, found " + n);
        }
        String open = in.nextNonBlank();
        if (!"{".equals(open)) {
            throw open == null
                    ? new MalformedAnnotationException(
                            file, in.endLine(), "expected '{', found end of file")
                    : in.error("expected '{', found " + TextLines.quote(open));
        }
        List<float[]> points = new ArrayList<>();
        while (true) {
            String line = in.nextNonBlank();
            if (line == null) {
                throw new MalformedAnnotationException(
                        file,
                        in.endLine(),
                        "expected "
                                + n
                                + " point lines and '}', found end of file after "
                                + points.size()
                                + " points");
            }
            if (line.equals("}")) {
                break;
            }
            if (points.size() == n) {
                throw in.error(
                        "expected '}' after "
                                + n
                                + " points (n_points), found "
                                + TextLines.quote(line));
            }
            String[] f = line.split("\\s+");
            if (f.length != 2) {
                throw in.error(
                        "expected 2 fields 'x y' for point "
                                + points.size()
                                + ", found "
                                + f.length
                                + ": "
                                + TextLines.quote(line));
            }
            float x = (float) (in.number(f[0], "x of point " + points.size()) - offset);
            float y = (float) (in.number(f[1], "y of point " + points.size()) - offset);
            if (!Float.isFinite(x) || !Float.isFinite(y)) {
                throw in.error(
                        "expected coordinates within float range, found " + TextLines.quote(line));
            }
            points.add(new float[] {x, y});
        }
        if (points.size() != n) {
            throw in.error(
                    "expected "
                            + n
                            + " point lines (n_points), found "
                            + points.size()
                            + " before '}'");
        }
        String extra = in.nextNonBlank();
        if (extra != null) {
            throw in.error("expected end of file after '}', found " + TextLines.quote(extra));
        }
        float[] xy = new float[2 * n];
        for (int i = 0; i < n; i++) {
            xy[2 * i] = points.get(i)[0];
            xy[2 * i + 1] = points.get(i)[1];
        }
        return Keypoints.of(schemeFor(n), xy);
    }

    /**
     * Returns the scheme the parser gives to a file with {@code n} points.
     *
     * @param n the point count
     * @return {@link LandmarkScheme#IBUG_68} for 68, otherwise a plain {@code pts-N} scheme
     */
    public static LandmarkScheme schemeFor(int n) {
        if (n == LandmarkScheme.IBUG_68.size()) {
            return LandmarkScheme.IBUG_68;
        }
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            names.add("p" + i);
        }
        return LandmarkScheme.builder().setName("pts-" + n).setPointNames(names).build();
    }

    /**
     * Writes a one-based {@code .pts} file in the standard 300-W layout, atomically: {@code
     * write(points, file, PixelOrigin.ONE_BASED)}; {@link #parse(Path)} gives back the same floats.
     *
     * @param points the keypoints in the library's pixel coordinates
     * @param file the target file
     * @throws IOException if the file cannot be written
     */
    public static void write(Keypoints points, Path file) throws IOException {
        write(points, file, PixelOrigin.ONE_BASED);
    }

    /**
     * Writes a {@code .pts} file in the standard 300-W layout, atomically; {@link #parse(Path,
     * PixelOrigin)} with the same origin gives back the same floats.
     *
     * @param points the keypoints in the library's pixel coordinates
     * @param file the target file
     * @param origin where the file's coordinates start
     * @throws IOException if the file cannot be written
     */
    public static void write(Keypoints points, Path file, PixelOrigin origin) throws IOException {
        int offset = Objects.requireNonNull(origin, "origin").offset();
        StringBuilder sb = new StringBuilder();
        sb.append("version: 1\nn_points:  ").append(points.size()).append("\n{\n");
        for (int i = 0; i < points.size(); i++) {
            sb.append(coordinate(points.x(i), offset))
                    .append(' ')
                    .append(coordinate(points.y(i), offset))
                    .append('\n');
        }
        sb.append("}\n");
        AtomicOutput.writeString(file, sb.toString());
    }

    /**
     * The shortest text that reads back as {@code v}: the float's own digits when the offset is 0
     * or when {@code v + offset} rounded to a float still reads back as {@code v}, otherwise the
     * exact double {@code v + offset} (a float plus a small integer is exact in a double).
     */
    private static String coordinate(float v, int offset) {
        if (offset == 0) {
            return TextLines.plain(v);
        }
        String shortest = TextLines.plain((float) (v + (double) offset));
        if ((float) (Double.parseDouble(shortest) - offset) == v) {
            return shortest;
        }
        return new BigDecimal(Double.toString(v + (double) offset)).toPlainString();
    }
}
