package io.github.keypoints.data.image;

import io.github.keypoints.data.io.AtomicOutput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.opencv.core.Mat;
import org.opencv.core.MatOfByte;
import org.opencv.core.MatOfInt;
import org.opencv.imgcodecs.Imgcodecs;

/** Reads and writes image files as OpenCV {@code Mat}s, with errors that name the file. */
public final class ImageFiles {

    private ImageFiles() {}

    /**
     * Reads an image as 8-bit BGR ({@code CV_8UC3}) or 8-bit grayscale ({@code CV_8UC1}).
     *
     * <p>The bytes are read by Java and decoded by OpenCV, so a missing file and an undecodable one
     * give different messages. The caller owns the returned {@code Mat} and must {@code release()}
     * it.
     *
     * @param file the image file (JPEG, PNG, PPM/PGM, BMP, …)
     * @param grayscale whether to decode to one channel
     * @return the decoded image
     * @throws UncheckedIOException naming the file if it is missing or unreadable
     * @throws IllegalArgumentException naming the file if it is not a decodable image
     */
    public static Mat read(Path file, boolean grayscale) {
        OpenCv.load();
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read image file " + file + ": " + e, e);
        }
        if (bytes.length == 0) {
            throw new IllegalArgumentException("Image file " + file + " is empty (0 bytes)");
        }
        MatOfByte buf = new MatOfByte(bytes);
        try {
            Mat img =
                    Imgcodecs.imdecode(
                            buf, grayscale ? Imgcodecs.IMREAD_GRAYSCALE : Imgcodecs.IMREAD_COLOR);
            if (img.empty()) {
                img.release();
                throw new IllegalArgumentException(
                        "Image file "
                                + file
                                + " could not be decoded ("
                                + bytes.length
                                + " bytes; expected a JPEG, PNG, PPM or BMP image)");
            }
            return img;
        } finally {
            buf.release();
        }
    }

    /**
     * Writes an image atomically: to a temporary file beside the target, then moved into place, so
     * a crash never leaves a half-written picture.
     *
     * @param image the image, 8-bit with 1 or 3 channels (BGR)
     * @param file the target; its extension chooses the format ({@code .png}, {@code .jpg})
     */
    public static void write(Mat image, Path file) {
        OpenCv.load();
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        if (dot < 0) {
            throw new IllegalArgumentException("Image file name needs an extension: " + file);
        }
        String ext = name.substring(dot);
        MatOfByte out = new MatOfByte();
        try {
            if (!Imgcodecs.imencode(ext, image, out, new MatOfInt())) {
                throw new IllegalArgumentException("OpenCV cannot encode " + ext + " for " + file);
            }
            AtomicOutput.write(file, out.toArray());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write image file " + file + ": " + e, e);
        } finally {
            out.release();
        }
    }
}
