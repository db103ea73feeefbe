package io.github.keypoints.examples;

import io.github.keypoints.data.io.AtomicOutput;
import io.github.keypoints.data.io.FileTrees;
import io.github.keypoints.data.io.Sha256;
import io.github.keypoints.data.load.ArchiveDownloader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Finds the IMM Face Database for a command: the folder the user passed with {@code --data}, or a
 * copy in the download cache, or a fresh download of the public archive into that cache.
 *
 * <p>Every copy that did not come from {@code --data} is checked file by file against the SHA-256
 * of the 480 files ({@code 01-1m.jpg} … {@code 40-6m.asf}) shipped with this class as the resource
 * {@code imm-files.sha256}; a copy that differs is deleted and reported by file name. The archive
 * itself has no published checksum, so a download is first hashed and then unpacked by {@link
 * ArchiveDownloader} (atomically, into the cache) under that hash; the per-file check is what
 * verifies it. A caller who knows the archive's SHA-256 passes it and the archive is checked before
 * unpacking too.
 */
public final class ImmDataLocation {

    /** The folder name of the unpacked set inside the cache. */
    static final String FOLDER = "imm_face_db";

    private static final String MANIFEST = "imm-files.sha256";

    private final URI uri;
    private final Path cacheDir;
    private final String archiveSha256;
    private final Duration timeout;

    /**
     * Creates a locator.
     *
     * @param uri the archive URI, normally {@link ArchiveDownloader#IMM_URI}
     * @param cacheDir the download cache
     * @param archiveSha256 the archive's SHA-256 when known, else {@code null}
     * @param timeout the connect and request timeout
     */
    public ImmDataLocation(URI uri, Path cacheDir, String archiveSha256, Duration timeout) {
        this.uri = uri;
        this.cacheDir = cacheDir;
        this.archiveSha256 = archiveSha256;
        this.timeout = timeout;
    }

    /**
     * Returns the default download cache: {@code $KEYPOINTS_CACHE}, else {@code
     * ~/.cache/keypoints}.
     *
     * @return the folder
     */
    public static Path defaultCacheDir() {
        String env = System.getenv("KEYPOINTS_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "keypoints");
    }

    /**
     * Returns the verified IMM folder in the cache, downloading and unpacking the archive first
     * when the cache has none.
     *
     * @return a folder holding the 240 {@code .jpg} and 240 {@code .asf} files
     * @throws IOException whose message says what failed and that {@code --data DIR} is the way
     *     round it
     */
    public Path locate() throws IOException {
        Path cached = cacheDir.resolve(FOLDER);
        Optional<Path> found = findImmFolder(cached);
        if (found.isPresent()) {
            verify(found.get());
            return found.get();
        }
        Files.createDirectories(cacheDir);
        String sha = archiveSha256;
        if (sha == null) {
            sha = downloadUnverified();
        }
        Path unpacked;
        try {
            unpacked =
                    ArchiveDownloader.builder()
                            .setUri(uri)
                            .setSha256(sha)
                            .setCacheDir(cacheDir)
                            .optTimeout(timeout)
                            .build()
                            .fetch();
        } catch (IOException e) {
            throw noNetwork(e);
        }
        if (!unpacked.getFileName().toString().equals(FOLDER)) {
            Files.move(unpacked, cached, StandardCopyOption.ATOMIC_MOVE);
            unpacked = cached;
        }
        Optional<Path> inside = findImmFolder(unpacked);
        if (inside.isEmpty()) {
            FileTrees.delete(unpacked);
            throw new IOException(
                    "The archive from "
                            + uri
                            + " has no IMM files (expected 01-1m.asf and 01-1m.jpg); pass --data"
                            + " /path/to/imm_face_db");
        }
        try {
            verify(inside.get());
        } catch (IOException e) {
            FileTrees.delete(unpacked);
            Files.deleteIfExists(cacheDir.resolve(archiveName()));
            throw e;
        }
        return inside.get();
    }

    /**
     * Checks every file of an IMM folder against the built-in SHA-256 list.
     *
     * @param dir the folder
     * @throws IOException naming the first missing or different file
     */
    public static void verify(Path dir) throws IOException {
        for (Map.Entry<String, String> e : manifest().entrySet()) {
            Path file = dir.resolve(e.getKey());
            if (!Files.isRegularFile(file)) {
                throw new IOException(
                        "IMM copy in " + dir + " is incomplete: " + e.getKey() + " is missing");
            }
            String found = Sha256.of(file);
            if (!found.equals(e.getValue())) {
                throw new IOException(
                        "IMM copy in "
                                + dir
                                + " failed the checksum: "
                                + e.getKey()
                                + " has SHA-256 "
                                + found
                                + ", expected "
                                + e.getValue());
            }
        }
    }

    /** Returns file name to SHA-256 for the 480 IMM files. */
    static Map<String, String> manifest() {
        try (InputStream in = ImmDataLocation.class.getResourceAsStream(MANIFEST)) {
            if (in == null) {
                throw new IllegalStateException("Missing resource " + MANIFEST);
            }
            Map<String, String> m = new LinkedHashMap<>();
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String[] p = line.strip().split("\\s+", 2);
                if (p.length == 2) {
                    m.put(p[1].replace("*", ""), p[0]);
                }
            }
            return m;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The folder at or below {@code root} holding {@code 01-1m.asf}, if any. */
    private static Optional<Path> findImmFolder(Path root) throws IOException {
        if (!Files.isDirectory(root)) {
            return Optional.empty();
        }
        try (Stream<Path> s = Files.walk(root, 3)) {
            return s.filter(p -> p.getFileName().toString().equals("01-1m.asf"))
                    .map(Path::getParent)
                    .findFirst();
        }
    }

    /** Downloads the archive into the cache; returns its SHA-256 for the unpacking step. */
    private String downloadUnverified() throws IOException {
        Path archive = cacheDir.resolve(archiveName());
        if (Files.isRegularFile(archive)) {
            return Sha256.of(archive);
        }
        HttpClient client =
                HttpClient.newBuilder()
                        .connectTimeout(timeout)
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .build();
        try (AtomicOutput part = AtomicOutput.file(archive)) {
            HttpResponse<InputStream> response;
            try {
                response =
                        client.send(
                                HttpRequest.newBuilder(uri).timeout(timeout).GET().build(),
                                HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Download of " + uri + " was interrupted");
            } catch (IOException e) {
                throw noNetwork(e);
            }
            MessageDigest digest = Sha256.newDigest();
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw noNetwork(
                            new IOException(
                                    "expected HTTP 200, found HTTP " + response.statusCode()));
                }
                try (InputStream in = new DigestInputStream(body, digest);
                        OutputStream out = Files.newOutputStream(part.temp())) {
                    in.transferTo(out);
                }
            }
            part.commit();
            return Sha256.hex(digest);
        }
    }

    private IOException noNetwork(IOException cause) {
        String why = cause.getMessage() == null ? cause.toString() : cause.getMessage();
        return new IOException(
                "no network: download of "
                        + uri
                        + " into "
                        + cacheDir
                        + " failed ("
                        + why
                        + "); pass --data /path/to/imm_face_db",
                cause);
    }

    private String archiveName() {
        String p = uri.getPath();
        String name = p == null ? "" : p.substring(p.lastIndexOf('/') + 1);
        return name.isEmpty() ? "imm_face_db.zip" : name;
    }
}
