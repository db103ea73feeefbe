package io.github.keypoints.train;

import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.io.AtomicOutput;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A PNG of the best and worst validation predictions: each tile is the original image scaled down,
 * ground truth drawn as green dots, prediction as red crosses joined to their truth by a thin line,
 * and the sample id with its mean error.
 */
public final class PredictionGallery {

    private static final int TILE_W = 320;
    private static final int TILE_H = 240;

    private PredictionGallery() {}

    /**
     * Renders the {@code perRow} best samples in the first row and the {@code perRow} worst in the
     * second.
     *
     * @param result the validation result
     * @param images reads the original image of a sample
     * @param perRow tiles per row
     * @return the image
     * @throws IOException if an image cannot be read
     */
    public static BufferedImage render(EvaluationResult result, ImageSource images, int perRow)
            throws IOException {
        List<EvaluationResult.SampleError> sorted = result.byError();
        int k = Math.min(perRow, sorted.size());
        List<EvaluationResult.SampleError> best = sorted.subList(0, k);
        List<EvaluationResult.SampleError> worst =
                new ArrayList<>(sorted.subList(sorted.size() - k, sorted.size()));
        java.util.Collections.reverse(worst);
        BufferedImage out =
                new BufferedImage(
                        Math.max(1, k) * TILE_W, 2 * TILE_H + 40, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(
                    RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            g.setColor(Color.DARK_GRAY);
            g.fillRect(0, 0, out.getWidth(), out.getHeight());
            g.setColor(Color.WHITE);
            g.drawString("best (green: truth, red: prediction)", 5, 15);
            g.drawString("worst", 5, TILE_H + 35);
            for (int i = 0; i < k; i++) {
                tile(g, images, best.get(i), i * TILE_W, 20);
                tile(g, images, worst.get(i), i * TILE_W, TILE_H + 40);
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    private static void tile(
            Graphics2D g, ImageSource images, EvaluationResult.SampleError s, int ox, int oy)
            throws IOException {
        BufferedImage img = images.read(s.index());
        double scale =
                Math.min(TILE_W / (double) img.getWidth(), TILE_H / (double) img.getHeight());
        int w = (int) Math.round(img.getWidth() * scale);
        int h = (int) Math.round(img.getHeight() * scale);
        g.drawImage(img, ox, oy, w, h, null);
        Keypoints t = s.truth();
        Keypoints p = s.predicted();
        g.setStroke(new BasicStroke(1f));
        for (int i = 0; i < t.size(); i++) {
            double tx = ox + t.x(i) * scale;
            double ty = oy + t.y(i) * scale;
            double px = ox + p.x(i) * scale;
            double py = oy + p.y(i) * scale;
            g.setColor(new Color(255, 255, 0, 160));
            g.draw(new Line2D.Double(tx, ty, px, py));
            g.setColor(Color.GREEN);
            g.fill(new Ellipse2D.Double(tx - 2.5, ty - 2.5, 5, 5));
            g.setColor(Color.RED);
            g.draw(new Line2D.Double(px - 3, py - 3, px + 3, py + 3));
            g.draw(new Line2D.Double(px - 3, py + 3, px + 3, py - 3));
        }
        g.setColor(Color.WHITE);
        g.drawString(String.format("%s  %.1f px", s.id(), s.meanPx()), ox + 4, oy + TILE_H - 6);
    }

    /**
     * Renders and writes the gallery atomically as PNG.
     *
     * @param result the validation result
     * @param images reads the original image of a sample
     * @param perRow tiles per row
     * @param file the PNG file
     * @throws IOException if reading or writing fails
     */
    public static void write(EvaluationResult result, ImageSource images, int perRow, Path file)
            throws IOException {
        BufferedImage img = render(result, images, perRow);
        AtomicOutput.write(file, out -> ImageIO.write(img, "png", out));
    }

    /** Reads the original image of a sample by index. */
    @FunctionalInterface
    public interface ImageSource {
        /**
         * Reads the image.
         *
         * @param index the sample index
         * @return the image
         * @throws IOException naming the file if it cannot be read
         */
        BufferedImage read(int index) throws IOException;
    }
}
