package io.github.keypoints.train;

import io.github.keypoints.data.io.AtomicOutput;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * Draws training and validation loss per epoch as a PNG with Java2D, on a linear or logarithmic
 * loss axis, and writes it atomically.
 */
public final class LossCurvePlot {

    private static final int W = 800;
    private static final int H = 500;
    private static final int M = 60;

    private LossCurvePlot() {}

    /**
     * Renders the curves.
     *
     * @param history the epochs
     * @param logScale whether the loss axis is logarithmic
     * @return the image
     */
    public static BufferedImage render(List<EpochRecord> history, boolean logScale) {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, W, H);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            g.drawRect(M, M / 2, W - M - 20, H - M - M / 2);
            g.drawString("epoch", W / 2, H - 15);
            g.drawString(logScale ? "loss (log scale)" : "loss", 5, 20);
            if (history.isEmpty()) {
                return img;
            }
            double lo = Double.POSITIVE_INFINITY;
            double hi = Double.NEGATIVE_INFINITY;
            for (EpochRecord r : history) {
                for (double v : new double[] {r.trainLoss(), r.valLoss()}) {
                    if (Double.isFinite(v) && (!logScale || v > 0)) {
                        double t = logScale ? Math.log10(v) : v;
                        lo = Math.min(lo, t);
                        hi = Math.max(hi, t);
                    }
                }
            }
            if (!Double.isFinite(lo)) {
                return img;
            }
            if (hi - lo < 1e-12) {
                hi = lo + 1;
            }
            int last = history.get(history.size() - 1).epoch();
            int first = history.get(0).epoch();
            double x0 = first;
            double x1 = Math.max(last, first + 1);
            g.drawString(String.format("%.4g", logScale ? Math.pow(10, hi) : hi), 2, M / 2 + 10);
            g.drawString(String.format("%.4g", logScale ? Math.pow(10, lo) : lo), 2, H - M);
            g.drawString(Integer.toString(first), M, H - M + 15);
            g.drawString(Integer.toString(last), W - 40, H - M + 15);
            curve(
                    g,
                    history,
                    EpochRecord::trainLoss,
                    new Color(31, 119, 180),
                    x0,
                    x1,
                    lo,
                    hi,
                    logScale);
            curve(
                    g,
                    history,
                    EpochRecord::valLoss,
                    new Color(214, 39, 40),
                    x0,
                    x1,
                    lo,
                    hi,
                    logScale);
            g.setColor(new Color(31, 119, 180));
            g.drawString("train", W - 120, M / 2 + 20);
            g.setColor(new Color(214, 39, 40));
            g.drawString("validation", W - 120, M / 2 + 36);
        } finally {
            g.dispose();
        }
        return img;
    }

    private static void curve(
            Graphics2D g,
            List<EpochRecord> history,
            ToDoubleFunction<EpochRecord> value,
            Color color,
            double x0,
            double x1,
            double lo,
            double hi,
            boolean log) {
        g.setColor(color);
        g.setStroke(new BasicStroke(2f));
        int px = -1;
        int py = -1;
        for (EpochRecord r : history) {
            double v = value.applyAsDouble(r);
            if (!Double.isFinite(v) || (log && v <= 0)) {
                continue;
            }
            double t = log ? Math.log10(v) : v;
            int x = (int) Math.round(M + (r.epoch() - x0) / (x1 - x0) * (W - M - 20));
            int y = (int) Math.round(H - M - (t - lo) / (hi - lo) * (H - M - M / 2));
            g.fillOval(x - 3, y - 3, 6, 6);
            if (px >= 0) {
                g.drawLine(px, py, x, y);
            }
            px = x;
            py = y;
        }
    }

    /**
     * Renders and writes the plot atomically as PNG.
     *
     * @param history the epochs
     * @param logScale whether the loss axis is logarithmic
     * @param file the PNG file
     * @throws IOException if writing fails
     */
    public static void write(List<EpochRecord> history, boolean logScale, Path file)
            throws IOException {
        BufferedImage img = render(history, logScale);
        AtomicOutput.write(file, out -> ImageIO.write(img, "png", out));
    }
}
