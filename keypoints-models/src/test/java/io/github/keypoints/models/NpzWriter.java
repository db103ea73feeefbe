package io.github.keypoints.models;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.StringJoiner;
import java.util.zip.ZipOutputStream;

/** Writes float32 tensors as an uncompressed {@code .npz}, byte for byte as {@code np.savez}. */
final class NpzWriter {

    /** A named tensor: its shape and row-major values. */
    record Tensor(long[] shape, float[] values) {}

    private NpzWriter() {}

    static void write(Path file, Map<String, Tensor> tensors) throws IOException {
        try (OutputStream out = Files.newOutputStream(file);
                ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
                byte[] npy = npy(e.getValue());
                StoredZip.put(zip, e.getKey() + ".npy", npy);
            }
        }
    }

    private static byte[] npy(Tensor t) {
        StringJoiner dims = new StringJoiner(", ", "(", t.shape().length == 1 ? ",)" : ")");
        for (long d : t.shape()) {
            dims.add(Long.toString(d));
        }
        String header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + dims + ", }";
        int total = 10 + header.length() + 1;
        int pad = (64 - total % 64) % 64;
        header = header + " ".repeat(pad) + "\n";
        byte[] h = header.getBytes(StandardCharsets.US_ASCII);
        ByteBuffer b =
                ByteBuffer.allocate(10 + h.length + 4 * t.values().length)
                        .order(ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 0x93).put("NUMPY".getBytes(StandardCharsets.US_ASCII));
        b.put((byte) 1).put((byte) 0).putShort((short) h.length).put(h);
        b.asFloatBuffer().put(t.values());
        return b.array();
    }
}
