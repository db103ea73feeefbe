package io.github.keypoints.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImmDataLocationTest {

    @TempDir Path dir;

    @Test
    void withoutNetworkTheErrorSaysToPassData() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        ImmDataLocation loc =
                new ImmDataLocation(
                        URI.create("http://127.0.0.1:" + port + "/imm_face_db.zip"),
                        dir.resolve("cache"),
                        null,
                        Duration.ofSeconds(5));
        assertThatThrownBy(loc::locate)
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("no network: download of http://127.0.0.1:")
                .hasMessageEndingWith("; pass --data /path/to/imm_face_db");
        assertThat(dir.resolve("cache/imm_face_db")).doesNotExist();
    }

    @Test
    void aDownloadWhoseFilesDifferFromTheManifestIsRejectedAndRemoved() throws IOException {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zip)) {
            z.putNextEntry(new ZipEntry("01-1m.asf"));
            z.write("not the real file\n".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
            z.putNextEntry(new ZipEntry("01-1m.jpg"));
            z.write(new byte[] {(byte) 0xff, (byte) 0xd8, 0});
            z.closeEntry();
        }
        byte[] body = zip.toByteArray();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext(
                "/imm_face_db.zip",
                ex -> {
                    ex.sendResponseHeaders(200, body.length);
                    try (OutputStream o = ex.getResponseBody()) {
                        o.write(body);
                    }
                });
        server.start();
        try {
            Path cache = dir.resolve("cache");
            ImmDataLocation loc =
                    new ImmDataLocation(
                            URI.create(
                                    "http://127.0.0.1:"
                                            + server.getAddress().getPort()
                                            + "/imm_face_db.zip"),
                            cache,
                            null,
                            Duration.ofSeconds(5));
            assertThatThrownBy(loc::locate)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("01-1m.jpg has SHA-256");
            assertThat(cache.resolve("imm_face_db")).doesNotExist();
            assertThat(cache.resolve("imm_face_db.zip")).doesNotExist();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void theManifestListsEveryImmFile() {
        assertThat(ImmDataLocation.manifest()).hasSize(480).containsKey("40-6m.asf");
    }

    @Test
    void theSharedImmCopyPassesTheChecksums() throws IOException {
        Path imm =
                Path.of(System.getProperty("keypoints.shared.data", "../../shared/data"))
                        .resolve("imm_face_db");
        Assumptions.assumeTrue(
                Files.isDirectory(imm), "shared IMM data not found at " + imm + "; skipping");
        ImmDataLocation.verify(imm);
    }
}
