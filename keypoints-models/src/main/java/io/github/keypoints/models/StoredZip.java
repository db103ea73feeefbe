package io.github.keypoints.models;

import java.io.IOException;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes uncompressed zip entries, as TorchScript and NumPy archives store theirs (a stored entry
 * must declare its size and CRC before its data).
 */
final class StoredZip {

    private StoredZip() {}

    /**
     * Adds {@code data} to {@code zip} as an uncompressed entry. The entry is closed, and its size
     * and CRC checked, by the archive's next {@code putNextEntry} or its {@code finish}.
     *
     * @param zip the archive being written
     * @param name the entry's name
     * @param data its bytes
     * @throws IOException if the archive cannot be written
     */
    static void put(ZipOutputStream zip, String name, byte[] data) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setMethod(ZipEntry.STORED);
        entry.setSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        entry.setCrc(crc.getValue());
        zip.putNextEntry(entry);
        zip.write(data);
    }
}
