package io.github.keypoints.data.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDateTime;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Runs against a JDK HttpServer on 127.0.0.1 only; no test touches the internet. */
class ArchiveDownloaderTest {

    @TempDir Path cache;

    private HttpServer server;
    private byte[] zip;
    private final AtomicInteger hits = new AtomicInteger();

    @BeforeEach
    void start() throws Exception {
        zip = zip(new String[] {"imm/01-1m.asf", "58\n"}, new String[] {"imm/README.txt", "hello"});
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(
                "/imm_face_db.zip",
                ex -> {
                    hits.incrementAndGet();
                    ex.sendResponseHeaders(200, zip.length);
                    try (OutputStream o = ex.getResponseBody()) {
                        o.write(zip);
                    }
                });
        server.createContext(
                "/evil.zip",
                ex -> {
                    byte[] z;
                    try {
                        z = zip(new String[] {"../escape.txt", "x"});
                    } catch (Exception e) {
                        throw new IOException(e);
                    }
                    ex.sendResponseHeaders(200, z.length);
                    try (OutputStream o = ex.getResponseBody()) {
                        o.write(z);
                    }
                });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    private static byte[] zip(String[]... entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bytes)) {
            for (String[] e : entries) {
                ZipEntry entry = new ZipEntry(e[0]);
                // A fixed time makes the bytes, and so the checksum, the same on every call: the
                // server and the test each build /evil.zip, possibly on either side of a tick of
                // the zip format's two-second clock.
                entry.setTimeLocal(LocalDateTime.of(2020, 1, 1, 0, 0));
                z.putNextEntry(entry);
                z.write(e[1].getBytes(StandardCharsets.UTF_8));
                z.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void downloadsVerifiesAndUnpacksOnceThenUsesTheCache() throws Exception {
        ArchiveDownloader d =
                ArchiveDownloader.builder()
                        .setUri(uri("/imm_face_db.zip"))
                        .optSha256(sha(zip).toUpperCase(java.util.Locale.ROOT))
                        .setCacheDir(cache)
                        .build();
        Path out = d.fetch();
        assertThat(out).isEqualTo(cache.resolve("imm_face_db"));
        assertThat(Files.readString(out.resolve("imm/01-1m.asf"))).isEqualTo("58\n");
        assertThat(cache.resolve("imm_face_db.zip")).hasBinaryContent(zip);
        assertThat(d.fetch()).isEqualTo(out);
        assertThat(hits.get()).isEqualTo(1);
        try (Stream<Path> s = Files.list(cache)) {
            assertThat(s.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder("imm_face_db", "imm_face_db.zip");
        }
    }

    @Test
    void wrongChecksumLeavesNothingInTheCache() {
        ArchiveDownloader d =
                ArchiveDownloader.builder()
                        .setUri(uri("/imm_face_db.zip"))
                        .optSha256("0".repeat(64))
                        .setCacheDir(cache)
                        .build();
        assertThatThrownBy(d::fetch)
                .isInstanceOf(IOException.class)
                .hasMessageContaining(
                        uri("/imm_face_db.zip")
                                + " failed the checksum: expected SHA-256 "
                                + "0".repeat(64));
        assertThat(cache.toFile().list()).isEmpty();
    }

    @Test
    void httpErrorIsReportedWithTheStatus() {
        ArchiveDownloader d =
                ArchiveDownloader.builder()
                        .setUri(uri("/missing.zip"))
                        .optSha256("0".repeat(64))
                        .setCacheDir(cache)
                        .build();
        assertThatThrownBy(d::fetch)
                .hasMessageContaining(
                        "Download of "
                                + uri("/missing.zip")
                                + " failed: expected HTTP 200, found HTTP 404");
        assertThat(cache.toFile().list()).isEmpty();
    }

    @Test
    void entriesEscapingTheFolderAreRefused() throws Exception {
        byte[] evil = zip(new String[] {"../escape.txt", "x"});
        ArchiveDownloader d =
                ArchiveDownloader.builder()
                        .setUri(uri("/evil.zip"))
                        .optSha256(sha(evil))
                        .setCacheDir(cache.resolve("c"))
                        .build();
        assertThatThrownBy(d::fetch)
                .hasMessageContaining("entry outside its folder: '../escape.txt'");
        assertThat(cache.resolve("escape.txt")).doesNotExist();
        assertThat(cache.resolve("c/evil")).doesNotExist();
    }

    @Test
    void builderNamesMissingValues() {
        assertThatThrownBy(() -> ArchiveDownloader.builder().build())
                .hasMessageContaining("setUri");
        assertThatThrownBy(() -> ArchiveDownloader.builder().setUri(uri("/a.zip")).build())
                .hasMessageContaining("optSha256");
        assertThatThrownBy(
                        () ->
                                ArchiveDownloader.builder()
                                        .setUri(uri("/a.zip"))
                                        .optSha256("abc")
                                        .build())
                .hasMessageContaining("64 hex digits");
        assertThatThrownBy(
                        () ->
                                ArchiveDownloader.builder()
                                        .setUri(uri("/a.zip"))
                                        .optSha256("a".repeat(64))
                                        .build())
                .hasMessageContaining("setCacheDir");
        assertThatThrownBy(
                        () ->
                                ArchiveDownloader.builder()
                                        .setUri(URI.create("file:///x.zip"))
                                        .optSha256("a".repeat(64))
                                        .setCacheDir(Path.of("c"))
                                        .build())
                .hasMessageContaining("Expected an http(s) URI, found file:///x.zip");
    }
}
