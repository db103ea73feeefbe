package io.github.keypoints.data.dataset;

import io.github.keypoints.data.Affine;
import io.github.keypoints.data.io.AtomicOutput;
import io.github.keypoints.data.io.Sha256;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * An {@link ImageCache} of files named by the SHA-256 of the key. Each file holds a small header
 * (magic, format version, the key itself, the shape and the transform) and the raw pixels; raw
 * bytes read faster than any image codec. A file whose header does not match is treated as a miss
 * and rewritten.
 */
final class DiskImageCache implements ImageCache {

    private static final int MAGIC = 0x4b504331; // "KPC1"

    private final Path directory;

    DiskImageCache(Path directory) {
        this.directory = directory.toAbsolutePath();
    }

    @Override
    public CachedImage get(String key, Supplier<CachedImage> loader) {
        Path file = directory.resolve(Sha256.of(key) + ".kpc");
        CachedImage hit = read(file, key);
        if (hit != null) {
            return hit;
        }
        CachedImage fresh = loader.get();
        write(file, key, fresh);
        return fresh;
    }

    private static CachedImage read(Path file, String key) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read cache entry " + file + ": " + e, e);
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
            if (in.readInt() != MAGIC || !in.readUTF().equals(key)) {
                return null;
            }
            int rows = in.readInt();
            int cols = in.readInt();
            int channels = in.readInt();
            double[] m = new double[6];
            for (int i = 0; i < 6; i++) {
                m[i] = in.readDouble();
            }
            byte[] pixels = new byte[rows * cols * channels];
            in.readFully(pixels);
            return new CachedImage(
                    rows, cols, channels, pixels, new Affine(m[0], m[1], m[2], m[3], m[4], m[5]));
        } catch (IOException | RuntimeException e) {
            return null; // truncated or foreign file: recompute and overwrite
        }
    }

    private void write(Path file, String key, CachedImage image) {
        ByteArrayOutputStream buf = new ByteArrayOutputStream(image.pixels().length + 256);
        try (DataOutputStream out = new DataOutputStream(buf)) {
            out.writeInt(MAGIC);
            out.writeUTF(key);
            out.writeInt(image.rows());
            out.writeInt(image.cols());
            out.writeInt(image.channels());
            for (double v : image.toInput().toArray()) {
                out.writeDouble(v);
            }
            out.write(image.pixels());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            AtomicOutput.write(file, buf.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write cache entry " + file + ": " + e, e);
        }
    }

    @Override
    public String toString() {
        return "ImageCache.onDisk[" + directory + "]";
    }
}
