package io.github.keypoints.data.load;

import io.github.keypoints.data.io.AtomicOutput;
import io.github.keypoints.data.io.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

/**
 * Downloads a zip archive into a cache folder, verifies it and unpacks it, atomically: the download
 * goes to a temporary file that is moved into place only when its checksum matches, and the archive
 * is unpacked into a temporary folder that is renamed when complete. A second call finds the
 * unpacked folder and does nothing.
 *
 * <p>Verification is the archive's SHA-256 ({@link Builder#optSha256}), a check of the unpacked
 * contents before they are committed ({@link Builder#optContentCheck}, for archives that have no
 * published checksum but whose files do, such as {@link ImmFaceDatabase}), or both.
 * <!-- snippet-context: String checksumYouTrust; -->
 *
 * <pre>{@code
 * Path imm = ArchiveDownloader.builder()
 *         .setUri(ArchiveDownloader.IMM_URI)
 *         .optSha256(checksumYouTrust)
 *         .setCacheDir(Path.of(System.getProperty("user.home"), ".keypoints"))
 *         .build()
 *         .fetch();
 * }</pre>
 */
public final class ArchiveDownloader {

    /**
     * The public mirror of the IMM Face Database archive (OpenIMAJ). The archive's checksum is not
     * built in (pass the SHA-256 of a copy you trust to {@link Builder#optSha256(String)}); {@link
     * ImmFaceDatabase} checks every file it unpacks instead.
     */
    public static final URI IMM_URI = URI.create("http://datasets.openimaj.org/imm_face_db.zip");

    /** Checks the unpacked contents of an archive before they are moved into the cache. */
    @FunctionalInterface
    public interface ContentCheck {
        /**
         * Checks a folder.
         *
         * @param unpacked the temporary folder holding the archive's contents
         * @throws IOException naming what is wrong; the folder and the archive are then deleted
         */
        void check(Path unpacked) throws IOException;
    }

    private final URI uri;
    private final String sha256;
    private final ContentCheck contentCheck;
    private final Path cacheDir;
    private final Duration timeout;

    private ArchiveDownloader(Builder b) {
        this.uri = b.uri;
        this.sha256 = b.sha256;
        this.contentCheck = b.contentCheck;
        this.cacheDir = b.cacheDir;
        this.timeout = b.timeout;
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
     * Returns the folder the archive unpacks into, whether or not it exists yet.
     *
     * @return {@code cacheDir/<archive name without .zip>}
     */
    public Path targetDir() {
        String name = archiveName();
        return cacheDir.resolve(
                name.endsWith(".zip") ? name.substring(0, name.length() - 4) : name + ".d");
    }

    /**
     * Downloads (unless the verified archive is already cached), unpacks and checks the archive.
     *
     * @return the folder holding the archive's contents
     * @throws DownloadException naming the URI when the download fails (no network, HTTP error);
     *     nothing is left in the cache then
     * @throws IOException naming the URI on a checksum mismatch or the file on a failed content
     *     check (the archive is deleted then), or on a bad zip
     */
    public Path fetch() throws IOException {
        Path target = targetDir();
        if (Files.isDirectory(target)) {
            return target;
        }
        Files.createDirectories(cacheDir);
        Path archive = cacheDir.resolve(archiveName());
        if (!Files.isRegularFile(archive)
                || (sha256 != null && !sha256.equals(Sha256.of(archive)))) {
            download(archive);
        }
        try (AtomicOutput out = AtomicOutput.folder(target)) {
            unzip(archive, out.temp());
            if (contentCheck != null) {
                try {
                    contentCheck.check(out.temp());
                } catch (IOException | RuntimeException e) {
                    Files.deleteIfExists(archive);
                    throw e;
                }
            }
            out.commit();
        }
        return target;
    }

    private String archiveName() {
        String p = uri.getPath();
        String name = p == null ? "" : p.substring(p.lastIndexOf('/') + 1);
        if (!name.isEmpty()) {
            return name;
        }
        return sha256 != null
                ? "archive-" + sha256.substring(0, 12) + ".zip"
                : "archive-" + Integer.toHexString(uri.toString().hashCode()) + ".zip";
    }

    private void download(Path archive) throws IOException {
        HttpClient client =
                HttpClient.newBuilder()
                        .connectTimeout(timeout)
                        .followRedirects(HttpClient.Redirect.NORMAL)
                        .build();
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET().build();
        try (AtomicOutput part = AtomicOutput.file(archive)) {
            Path tmp = part.temp();
            HttpResponse<InputStream> response;
            try {
                response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("Download of " + uri + " was interrupted");
            } catch (IOException e) {
                throw failed(e.getMessage() == null ? e.toString() : e.getMessage(), e);
            }
            MessageDigest digest = Sha256.newDigest();
            try (InputStream body = response.body()) {
                if (response.statusCode() != 200) {
                    throw failed("expected HTTP 200, found HTTP " + response.statusCode(), null);
                }
                try (InputStream in = new DigestInputStream(body, digest);
                        OutputStream out = Files.newOutputStream(tmp)) {
                    in.transferTo(out);
                }
            }
            String found = Sha256.hex(digest);
            if (sha256 != null && !found.equals(sha256)) {
                throw new IOException(
                        "Download of "
                                + uri
                                + " failed the checksum: expected SHA-256 "
                                + sha256
                                + ", found "
                                + found
                                + " ("
                                + Files.size(tmp)
                                + " bytes)");
            }
            part.commit();
        }
    }

    private DownloadException failed(String reason, Throwable cause) {
        return new DownloadException(
                "Download of " + uri + " failed: " + reason, uri, reason, cause);
    }

    private static void unzip(Path archive, Path into) throws IOException {
        Path root = into.toAbsolutePath().normalize();
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(archive))) {
            ZipEntry e;
            int entries = 0;
            while ((e = zip.getNextEntry()) != null) {
                entries++;
                Path out = root.resolve(e.getName()).normalize();
                if (!out.startsWith(root) || out.equals(root)) {
                    throw new IOException(
                            "Archive "
                                    + archive
                                    + " has an entry outside its folder: '"
                                    + e.getName()
                                    + "'");
                }
                if (e.isDirectory()) {
                    Files.createDirectories(out);
                } else {
                    Files.createDirectories(out.getParent());
                    Files.copy(zip, out);
                }
            }
            if (entries == 0) {
                throw new IOException("Archive " + archive + " is not a zip file or is empty");
            }
        }
    }

    /** Builds an {@link ArchiveDownloader}. */
    public static final class Builder {
        private URI uri;
        private String sha256;
        private ContentCheck contentCheck;
        private Path cacheDir;
        private Duration timeout = Duration.ofMinutes(2);

        private Builder() {}

        /**
         * Sets the archive URI (required), such as {@link #IMM_URI}.
         *
         * @param uri an http or https URI of a zip file
         * @return this builder
         */
        public Builder setUri(URI uri) {
            this.uri = uri;
            return this;
        }

        /**
         * Sets the expected SHA-256 of the archive (this or {@link #optContentCheck} is required).
         *
         * @param hex 64 hexadecimal digits
         * @return this builder
         */
        public Builder optSha256(String hex) {
            this.sha256 = hex == null ? null : hex.strip().toLowerCase(Locale.ROOT);
            return this;
        }

        /**
         * Sets a check of the unpacked contents, run before they are moved into the cache (this or
         * {@link #optSha256} is required).
         *
         * @param check the check
         * @return this builder
         */
        public Builder optContentCheck(ContentCheck check) {
            this.contentCheck = check;
            return this;
        }

        /**
         * Sets the cache folder (required).
         *
         * @param dir where the archive and its unpacked folder go
         * @return this builder
         */
        public Builder setCacheDir(Path dir) {
            this.cacheDir = dir;
            return this;
        }

        /**
         * Sets the connect and request timeout (default 2 minutes).
         *
         * @param timeout the timeout
         * @return this builder
         */
        public Builder optTimeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * Builds the downloader.
         *
         * @return the downloader
         * @throws IllegalArgumentException naming a missing or malformed value
         */
        public ArchiveDownloader build() {
            if (uri == null) {
                throw new IllegalArgumentException("Missing archive URI: call setUri()");
            }
            String scheme = uri.getScheme();
            if (scheme == null
                    || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
                throw new IllegalArgumentException("Expected an http(s) URI, found " + uri);
            }
            if (sha256 == null && contentCheck == null) {
                throw new IllegalArgumentException(
                        "Missing verification: call optSha256() or optContentCheck()");
            }
            if (sha256 != null && !sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException(
                        "Expected a SHA-256 of 64 hex digits, found '" + sha256 + "'");
            }
            if (cacheDir == null) {
                throw new IllegalArgumentException("Missing cache folder: call setCacheDir()");
            }
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive, was " + timeout);
            }
            return new ArchiveDownloader(this);
        }
    }
}
