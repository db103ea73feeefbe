package io.github.keypoints.data.image;

import io.github.keypoints.data.Affine;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Point;
import org.opencv.core.Rect;
import org.opencv.core.Scalar;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/**
 * Tiles images into one picture: each added image is scaled to fit a tile (aspect kept, centred),
 * and {@link #write(Path)} lays the tiles out in rows and writes one PNG atomically.
 *
 * <p>Draw on a tile after adding it, so markers keep their size whatever the source resolution:
 * <!-- snippet-context: Mat image; FaceSample sample; KeypointOverlay overlay; -->
 *
 * <pre>{@code
 * try (ImageGallery gallery = ImageGallery.builder().setTileSize(320, 240).build()) {
 *     ImageGallery.Tile tile = gallery.add(image, sample.id());
 *     overlay.draw(tile.image(), sample.keypoints().transform(tile.fromSource()));
 *     gallery.write(Path.of("gallery.png"));
 * }
 * }</pre>
 *
 * <p>Mutable: it owns the tiles' native memory until {@link #close()}.
 */
public final class ImageGallery implements AutoCloseable {

    private final int tileWidth;
    private final int tileHeight;
    private final int columns;
    private final List<Mat> tiles = new ArrayList<>();

    private ImageGallery(Builder b) {
        this.tileWidth = b.tileWidth;
        this.tileHeight = b.tileHeight;
        this.columns = b.columns;
    }

    /**
     * Returns a builder.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A tile: its BGR image (owned by the gallery; draw on it) and the transform from source-image
     * pixels to tile pixels.
     *
     * @param image the tile image, 8-bit BGR
     * @param fromSource maps source-image pixels to tile pixels
     */
    public record Tile(Mat image, Affine fromSource) {}

    /**
     * Adds an image as the next tile.
     *
     * @param image an 8-bit image with 1 or 3 channels; not modified
     * @param caption text written in the tile's top-left corner, or empty for none
     * @return the tile, to draw keypoints on
     */
    public Tile add(Mat image, String caption) {
        OpenCv.load();
        if (image.empty()) {
            throw new IllegalArgumentException("Cannot add an empty image to the gallery");
        }
        double s = Math.min((double) tileWidth / image.cols(), (double) tileHeight / image.rows());
        int w = Math.max(1, (int) Math.round(image.cols() * s));
        int h = Math.max(1, (int) Math.round(image.rows() * s));
        int ox = (tileWidth - w) / 2;
        int oy = (tileHeight - h) / 2;
        Mat tile = new Mat(tileHeight, tileWidth, CvType.CV_8UC3, new Scalar(40, 40, 40));
        Mat resized = new Mat();
        Mat color = new Mat();
        try {
            Imgproc.resize(
                    image,
                    resized,
                    new Size(w, h),
                    0,
                    0,
                    s < 1 ? Imgproc.INTER_AREA : Imgproc.INTER_LINEAR);
            if (resized.channels() == 1) {
                Imgproc.cvtColor(resized, color, Imgproc.COLOR_GRAY2BGR);
            } else {
                resized.copyTo(color);
            }
            Mat roi = tile.submat(new Rect(ox, oy, w, h));
            color.copyTo(roi);
            roi.release();
        } finally {
            resized.release();
            color.release();
        }
        if (caption != null && !caption.isEmpty()) {
            int[] baseline = new int[1];
            Size text =
                    Imgproc.getTextSize(caption, Imgproc.FONT_HERSHEY_SIMPLEX, 0.45, 1, baseline);
            Imgproc.rectangle(
                    tile,
                    new Point(0, 0),
                    new Point(text.width + 8, text.height + baseline[0] + 6),
                    new Scalar(0, 0, 0),
                    -1);
            Imgproc.putText(
                    tile,
                    caption,
                    new Point(4, 14),
                    Imgproc.FONT_HERSHEY_SIMPLEX,
                    0.45,
                    new Scalar(255, 255, 255),
                    1,
                    Imgproc.LINE_AA);
        }
        tiles.add(tile);
        // Pixel centres: source pixel i covers [i - 0.5, i + 0.5]; scale about that grid.
        Affine map =
                Affine.translation(0.5, 0.5)
                        .then(Affine.scaling((double) w / image.cols(), (double) h / image.rows()))
                        .then(Affine.translation(ox - 0.5, oy - 0.5));
        return new Tile(tile, map);
    }

    /**
     * Returns the number of tiles added.
     *
     * @return the tile count
     */
    public int size() {
        return tiles.size();
    }

    /**
     * Writes all tiles as one picture, row by row, through a temporary file and an atomic move.
     *
     * @param file the target, normally a {@code .png}
     * @throws IllegalStateException if no tile was added
     */
    public void write(Path file) {
        if (tiles.isEmpty()) {
            throw new IllegalStateException("The gallery has no images to write to " + file);
        }
        int cols = Math.min(columns, tiles.size());
        int rows = (tiles.size() + cols - 1) / cols;
        Mat canvas =
                new Mat(rows * tileHeight, cols * tileWidth, CvType.CV_8UC3, new Scalar(0, 0, 0));
        try {
            for (int i = 0; i < tiles.size(); i++) {
                Mat roi =
                        canvas.submat(
                                new Rect(
                                        (i % cols) * tileWidth,
                                        (i / cols) * tileHeight,
                                        tileWidth,
                                        tileHeight));
                tiles.get(i).copyTo(roi);
                roi.release();
            }
            ImageFiles.write(canvas, file);
        } finally {
            canvas.release();
        }
    }

    /** Releases the tiles' native memory. */
    @Override
    public void close() {
        tiles.forEach(Mat::release);
        tiles.clear();
    }

    /** Builds an {@link ImageGallery}. */
    public static final class Builder {
        private int tileWidth;
        private int tileHeight;
        private int columns = 4;

        private Builder() {}

        /**
         * Sets the tile size (required).
         *
         * @param width tile width in pixels
         * @param height tile height in pixels
         * @return this builder
         */
        public Builder setTileSize(int width, int height) {
            this.tileWidth = width;
            this.tileHeight = height;
            return this;
        }

        /**
         * Sets the number of tiles per row (default 4).
         *
         * @param columns tiles per row, at least 1
         * @return this builder
         */
        public Builder optColumns(int columns) {
            this.columns = columns;
            return this;
        }

        /**
         * Builds the gallery.
         *
         * @return an empty gallery
         * @throws IllegalArgumentException if the tile size is missing or the column count is not
         *     positive
         */
        public ImageGallery build() {
            if (tileWidth <= 0 || tileHeight <= 0) {
                throw new IllegalArgumentException(
                        "Missing or non-positive tile size: call setTileSize(width, height), found "
                                + tileWidth
                                + "x"
                                + tileHeight);
            }
            if (columns < 1) {
                throw new IllegalArgumentException("columns must be >= 1, was " + columns);
            }
            return new ImageGallery(this);
        }
    }
}
