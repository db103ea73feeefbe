package io.github.keypoints.data.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.opencv.core.Mat;

/**
 * The size and format of an image file, read from its header without decoding the pixels.
 *
 * <p>{@link #read(Path)} also checks that a JPEG ends with its end-of-image marker and a PNG with
 * its {@code IEND} chunk, so a truncated file is caught here rather than decoded into a half-grey
 * picture. Other damage inside the compressed data is only found by a full decode ({@link
 * ImageFiles#read(Path, boolean)}), whose error names the file too.
 *
 * @param width the width in pixels
 * @param height the height in pixels
 * @param format the format name ({@code jpeg}, {@code png}, {@code pnm}, …)
 */
public record ImageHeader(int width, int height, String format) {

    private static final int TAIL = 1024;

    /**
     * Validates that the size is positive.
     *
     * @param width see the record description
     * @param height see the record description
     * @param format see the record description
     */
    public ImageHeader {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException(
                    "Image size must be positive, was " + width + "x" + height);
        }
    }

    /**
     * Reads the header of an image file.
     *
     * @param file the image file
     * @return its size and format
     * @throws NoSuchFileException naming the file if it does not exist
     * @throws IOException naming the file if it is empty, not an image, or truncated
     */
    public static ImageHeader read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "image file does not exist");
        }
        long size = Files.size(file);
        if (size == 0) {
            throw new IOException("Image file " + file + " is empty (0 bytes)");
        }
        byte[] magic = new byte[2];
        try (InputStream in = Files.newInputStream(file)) {
            in.readNBytes(magic, 0, 2);
        }
        if (magic[0] == 'P' && magic[1] >= '1' && magic[1] <= '6') {
            return readPnm(file, size);
        }
        ImageHeader header = readWithImageIo(file);
        if (header == null) {
            return readWithOpenCv(file);
        }
        checkEnd(file, header.format());
        return header;
    }

    private static ImageHeader readWithImageIo(Path file) throws IOException {
        try (ImageInputStream iis = ImageIO.createImageInputStream(file.toFile())) {
            if (iis == null) {
                throw new IOException("Cannot open image file " + file);
            }
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, true);
                return new ImageHeader(
                        reader.getWidth(0),
                        reader.getHeight(0),
                        reader.getFormatName().toLowerCase(java.util.Locale.ROOT));
            } catch (IOException | RuntimeException e) {
                throw new IOException(
                        "Image file "
                                + file
                                + " has an unreadable "
                                + reader.getFormatName()
                                + " header: "
                                + e.getMessage(),
                        e);
            } finally {
                reader.dispose();
            }
        }
    }

    /** Formats ImageIO cannot read (WebP, …): a full decode is the only way to know the size. */
    private static ImageHeader readWithOpenCv(Path file) {
        Mat m = ImageFiles.read(file, false);
        try {
            return new ImageHeader(m.cols(), m.rows(), "opencv");
        } finally {
            m.release();
        }
    }

    private static void checkEnd(Path file, String format) throws IOException {
        boolean jpeg = format.equals("jpeg") || format.equals("jpg");
        boolean png = format.equals("png");
        if (!jpeg && !png) {
            return;
        }
        byte[] tail;
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            int n = (int) Math.min(TAIL, raf.length());
            tail = new byte[n];
            raf.seek(raf.length() - n);
            raf.readFully(tail);
        }
        if (jpeg && !containsJpegEnd(tail)) {
            throw new IOException(
                    "Image file "
                            + file
                            + " is truncated: expected the JPEG end-of-image marker FFD9 near the"
                            + " end, found none");
        }
        if (png && !new String(tail, StandardCharsets.ISO_8859_1).contains("IEND")) {
            throw new IOException(
                    "Image file "
                            + file
                            + " is truncated: expected the PNG IEND chunk at the end, found none");
        }
    }

    private static boolean containsJpegEnd(byte[] tail) {
        for (int i = tail.length - 2; i >= 0; i--) {
            if ((tail[i] & 0xFF) == 0xFF && (tail[i + 1] & 0xFF) == 0xD9) {
                return true;
            }
        }
        return false;
    }

    /** Netpbm: magic, then width, height (and maxval) as ASCII tokens with # comments. */
    private static ImageHeader readPnm(Path file, long size) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(4096);
        }
        int[] values = new int[3];
        int needed = head[1] == '1' || head[1] == '4' ? 2 : 3;
        int pos = 2;
        for (int k = 0; k < needed; k++) {
            while (pos < head.length && (Character.isWhitespace(head[pos]) || head[pos] == '#')) {
                if (head[pos] == '#') {
                    while (pos < head.length && head[pos] != '\n') {
                        pos++;
                    }
                } else {
                    pos++;
                }
            }
            int start = pos;
            long v = 0;
            while (pos < head.length && head[pos] >= '0' && head[pos] <= '9' && v < 1_000_000) {
                v = v * 10 + (head[pos++] - '0');
            }
            if (pos == start || v <= 0 || v >= 1_000_000) {
                throw new IOException(
                        "Image file "
                                + file
                                + " has a bad PNM header: expected a positive number at byte "
                                + start);
            }
            values[k] = (int) v;
        }
        int w = values[0];
        int h = values[1];
        int channels = head[1] == '6' ? 3 : 1;
        if (head[1] == '5' || head[1] == '6') {
            long expected = (long) w * h * channels * (values[2] > 255 ? 2 : 1);
            long dataBytes = size - (pos + 1);
            if (dataBytes < expected) {
                throw new IOException(
                        "Image file "
                                + file
                                + " is truncated: expected "
                                + expected
                                + " bytes of pixels for "
                                + w
                                + "x"
                                + h
                                + ", found "
                                + dataBytes);
            }
        }
        return new ImageHeader(w, h, "pnm");
    }
}
