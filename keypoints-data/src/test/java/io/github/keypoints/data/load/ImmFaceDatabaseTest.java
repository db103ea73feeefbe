package io.github.keypoints.data.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The IMM dataset's download and checks, against archives served from 127.0.0.1 (never the
 * internet): an unreachable host, an archive whose files differ from the manifest, and, where the
 * shared IMM copy exists, an archive of it that downloads once, verifies and is then found in the
 * cache without the network.
 */
class ImmFaceDatabaseTest {

    @TempDir Path dir;

    /** Serves {@code body} at {@code /imm_face_db.zip} and counts the requests. */
    private static HttpServer serve(byte[] body, AtomicInteger hits) throws IOException {
        HttpServer server =
                HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext(
                "/imm_face_db.zip",
                ex -> {
                    hits.incrementAndGet();
                    ex.sendResponseHeaders(200, body.length);
                    try (OutputStream o = ex.getResponseBody()) {
                        o.write(body);
                    }
                });
        server.start();
        return server;
    }

    private static URI uri(HttpServer server) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/imm_face_db.zip");
    }

    @Test
    void withoutNetworkTheErrorSaysNoNetworkAndLeavesNothing() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: nothing listens there
        }
        ImmFaceDatabase imm =
                ImmFaceDatabase.builder()
                        .optUri(URI.create("http://127.0.0.1:" + port + "/imm_face_db.zip"))
                        .optCacheDirectory(dir.resolve("cache"))
                        .optTimeout(Duration.ofSeconds(5))
                        .build();
        assertThatThrownBy(imm::prepare)
                .isInstanceOf(DownloadException.class)
                .hasMessageStartingWith("no network: download of http://127.0.0.1:" + port)
                .hasMessageContaining("into " + dir.resolve("cache"));
        assertThat(dir.resolve("cache/imm_face_db")).doesNotExist();
        assertThat(dir.resolve("cache/imm_face_db.zip")).doesNotExist();
        assertThatThrownBy(imm::path).hasMessageContaining("prepare()");
    }

    @Test
    void aDownloadWhoseFilesDifferFromTheManifestNeverEntersTheCache() throws IOException {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zip)) {
            z.putNextEntry(new ZipEntry("01-1m.asf"));
            z.write("not the real file\n".getBytes(StandardCharsets.UTF_8));
            z.closeEntry();
            z.putNextEntry(new ZipEntry("01-1m.jpg"));
            z.write(new byte[] {(byte) 0xff, (byte) 0xd8, 0});
            z.closeEntry();
        }
        HttpServer server = serve(zip.toByteArray(), new AtomicInteger());
        try {
            Path cache = dir.resolve("cache");
            ImmFaceDatabase imm =
                    ImmFaceDatabase.builder()
                            .optUri(uri(server))
                            .optCacheDirectory(cache)
                            .optTimeout(Duration.ofSeconds(5))
                            .build();
            assertThatThrownBy(imm::prepare)
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("01-1m.jpg has SHA-256");
            assertThat(cache.resolve("imm_face_db")).doesNotExist();
            assertThat(cache.resolve("imm_face_db.zip")).doesNotExist();
        } finally {
            server.stop(0);
        }
    }

    @Test
    void withDownloadingOffAnEmptyCacheIsNamed() {
        ImmFaceDatabase imm =
                ImmFaceDatabase.builder()
                        .optCacheDirectory(dir.resolve("empty"))
                        .optDownload(false)
                        .build();
        assertThatThrownBy(imm::prepare)
                .hasMessageContaining("no copy of the IMM Face Database in " + dir.resolve("empty"))
                .hasMessageContaining("downloading is off");
    }

    @Test
    void aLocalFolderThatIsNotImmIsNamed() throws IOException {
        Files.writeString(dir.resolve("notes.txt"), "hello");
        assertThatThrownBy(() -> ImmFaceDatabase.builder().optLocalPath(dir).build().prepare())
                .hasMessageContaining(dir + " is not the IMM Face Database");
        Path missing = dir.resolve("nope");
        assertThatThrownBy(() -> ImmFaceDatabase.builder().optLocalPath(missing).build().prepare())
                .hasMessageContaining("no such folder: " + missing);
    }

    @Test
    void aMalformedArchiveChecksumIsRefusedWhenBuilt() {
        assertThatThrownBy(() -> ImmFaceDatabase.builder().optArchiveSha256("abc").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("64 hex digits");
    }

    @Test
    void theManifestListsEveryImmFile() {
        assertThat(ImmFaceDatabase.manifest()).hasSize(480).containsKey("40-6m.asf");
    }

    private static Path sharedImm() {
        Path imm =
                Path.of(System.getProperty("keypoints.shared.data", "../../shared/data"))
                        .resolve("imm_face_db");
        Assumptions.assumeTrue(
                Files.isDirectory(imm), "shared IMM data not found at " + imm + "; skipping");
        return imm;
    }

    @Test
    void theSharedImmCopyPassesTheChecksums() throws IOException {
        ImmFaceDatabase.verify(sharedImm());
    }

    @Test
    void anArchiveOfTheRealFilesDownloadsOnceVerifiesAndIsThenFoundOffline() throws IOException {
        Path imm = sharedImm();
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zip);
                Stream<Path> files = Files.list(imm)) {
            for (Path f : files.sorted().toList()) {
                if (ImmFaceDatabase.manifest().containsKey(f.getFileName().toString())) {
                    z.putNextEntry(new ZipEntry("imm_face_db/" + f.getFileName()));
                    Files.copy(f, z);
                    z.closeEntry();
                }
            }
        }
        AtomicInteger hits = new AtomicInteger();
        HttpServer server = serve(zip.toByteArray(), hits);
        Path cache = dir.resolve("cache");
        try {
            ImmFaceDatabase first =
                    ImmFaceDatabase.builder()
                            .optUri(uri(server))
                            .optCacheDirectory(cache)
                            .optTimeout(Duration.ofSeconds(10))
                            .build();
            first.prepare();
            assertThat(first.path()).startsWith(cache);
            assertThat(first.load().samples()).hasSize(240);
        } finally {
            server.stop(0);
        }
        assertThat(hits).hasValue(1);
        ImmFaceDatabase offline =
                ImmFaceDatabase.builder().optCacheDirectory(cache).optDownload(false).build();
        offline.prepare();
        assertThat(offline.path().resolve("40-6m.asf")).isRegularFile();
    }
}
