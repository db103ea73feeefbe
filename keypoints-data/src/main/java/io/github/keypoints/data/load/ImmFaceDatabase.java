package io.github.keypoints.data.load;

import io.github.keypoints.data.io.Sha256;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The IMM Face Database (240 photos of 40 people, 58 points each) as a dataset to prepare: a copy
 * the user has, else a verified copy in the download cache, else a download of the public archive
 * into that cache.
 *
 * <p>Every copy that did not come from {@link Builder#optLocalPath} is checked file by file against
 * the SHA-256 of the 480 files ({@code 01-1m.jpg} … {@code 40-6m.asf}) shipped with this class as
 * the resource {@code imm-files.sha256}; a cached copy that differs is reported by file name, and a
 * download that differs is never moved into the cache. The archive itself has no published
 * checksum, so the download is verified through its files ({@link
 * ArchiveDownloader.Builder#optContentCheck}); a caller who knows the archive's SHA-256 passes it
 * ({@link Builder#optArchiveSha256}) and the archive is checked before unpacking too.
 *
 * <pre>{@code
 * ImmFaceDatabase imm = ImmFaceDatabase.builder()
 *         .optCacheDirectory(Path.of("cache"))
 *         .optDownload(false)          // use the cache only; never touch the network
 *         .build();
 * try {
 *     imm.prepare();
 *     List<FaceSample> faces = imm.load().samples();
 * } catch (IOException e) {
 *     System.err.println(e.getMessage());   // what is missing, and where it was looked for
 * }
 * }</pre>
 *
 * <p>{@link #prepare()} is the only mutation (it remembers the folder); call it once before {@link
 * #path()}. Not thread-safe while preparing.
 */
public final class ImmFaceDatabase {

    /** The public mirror of the IMM archive (OpenIMAJ). */
    public static final URI ARCHIVE_URI = ArchiveDownloader.IMM_URI;

    private static final String MANIFEST = "imm-files.sha256";

    private final Path localPath;
    private final Path cacheDirectory;
    private final boolean download;
    private final URI uri;
    private final String archiveSha256;
    private final Duration timeout;
    private Path prepared;

    private ImmFaceDatabase(Builder b) {
        this.localPath = b.localPath;
        this.cacheDirectory = b.cacheDirectory != null ? b.cacheDirectory : defaultCacheDirectory();
        this.download = b.download;
        this.uri = b.uri;
        this.archiveSha256 = b.archiveSha256;
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
     * Returns the default download cache: {@code $KEYPOINTS_CACHE}, else {@code
     * ~/.cache/keypoints}.
     *
     * @return the folder
     */
    public static Path defaultCacheDirectory() {
        String env = System.getenv("KEYPOINTS_CACHE");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        return Path.of(System.getProperty("user.home"), ".cache", "keypoints");
    }

    /**
     * Returns the cache folder this dataset looks in and downloads to.
     *
     * @return the folder
     */
    public Path cacheDirectory() {
        return cacheDirectory;
    }

    /**
     * Finds the IMM folder: the local copy, else the verified cached copy, else (when downloading
     * is on) a fresh download, verified file by file before it enters the cache. Does nothing the
     * second time.
     *
     * @throws DownloadException starting {@code no network:} when the archive could not be
     *     downloaded (nothing is left in the cache)
     * @throws IOException naming the folder or the file when a copy is missing, incomplete or fails
     *     the checksum
     */
    public void prepare() throws IOException {
        if (prepared != null) {
            return;
        }
        if (localPath != null) {
            if (!Files.isDirectory(localPath)) {
                throw new IOException("no such folder: " + localPath);
            }
            if (!isImm(localPath)) {
                throw new IOException(
                        localPath
                                + " is not the IMM Face Database (expected NN-Kg.asf files beside"
                                + " their .jpg images)");
            }
            prepared = localPath;
            return;
        }
        ArchiveDownloader downloader = downloader();
        Optional<Path> cached = findImmFolder(downloader.targetDir());
        if (cached.isPresent()) {
            verify(cached.get());
            prepared = cached.get();
            return;
        }
        if (!download) {
            throw new IOException(
                    "no copy of the IMM Face Database in "
                            + cacheDirectory
                            + " and downloading is off");
        }
        Path unpacked;
        try {
            unpacked = downloader.fetch();
        } catch (DownloadException e) {
            throw new DownloadException(
                    "no network: download of "
                            + uri
                            + " into "
                            + cacheDirectory
                            + " failed ("
                            + e.reason()
                            + ")",
                    uri,
                    e.reason(),
                    e);
        }
        prepared = findImmFolder(unpacked).orElseThrow();
    }

    /**
     * Returns the prepared IMM folder.
     *
     * @return a folder holding the 240 {@code .jpg} and 240 {@code .asf} files
     * @throws IllegalStateException before {@link #prepare()}
     */
    public Path path() {
        if (prepared == null) {
            throw new IllegalStateException("IMM Face Database not prepared: call prepare() first");
        }
        return prepared;
    }

    /**
     * Prepares the dataset and loads every face, strictly (a bad file stops the load, named).
     *
     * @return the 240 faces
     * @throws IOException as {@link #prepare()} does, or naming a file that does not load
     */
    public LoadedDataset load() throws IOException {
        prepare();
        return DatasetLoader.builder()
                .setPath(prepared)
                .optFormat(DatasetFormat.IMM)
                .optStrict(true)
                .build()
                .load();
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

    /**
     * Returns the checksum manifest: file name to SHA-256 for the 480 IMM files.
     *
     * @return the manifest, in file order
     */
    public static Map<String, String> manifest() {
        try (InputStream in = ImmFaceDatabase.class.getResourceAsStream(MANIFEST)) {
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

    private ArchiveDownloader downloader() {
        return ArchiveDownloader.builder()
                .setUri(uri)
                .setCacheDir(cacheDirectory)
                .optSha256(archiveSha256)
                .optContentCheck(
                        unpacked -> {
                            Optional<Path> inside = findImmFolder(unpacked);
                            if (inside.isEmpty()) {
                                throw new IOException(
                                        "The archive from "
                                                + uri
                                                + " has no IMM files (expected 01-1m.asf and"
                                                + " 01-1m.jpg)");
                            }
                            verify(inside.get());
                        })
                .optTimeout(timeout)
                .build();
    }

    private static boolean isImm(Path dir) throws IOException {
        try {
            return DatasetFormat.detect(dir) == DatasetFormat.IMM;
        } catch (IllegalArgumentException e) {
            return false; // no format at all
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

    /** Builds an {@link ImmFaceDatabase}; every value is optional. */
    public static final class Builder {
        private Path localPath;
        private Path cacheDirectory;
        private boolean download = true;
        private URI uri = ARCHIVE_URI;
        private String archiveSha256;
        private Duration timeout = Duration.ofSeconds(30);

        private Builder() {}

        /**
         * Uses a copy the user has, as it is (no checksum, no cache, no download).
         *
         * @param dir the folder of the 240 {@code .jpg} and {@code .asf} files
         * @return this builder
         */
        public Builder optLocalPath(Path dir) {
            this.localPath = dir;
            return this;
        }

        /**
         * Sets the download cache (default {@link #defaultCacheDirectory()}).
         *
         * @param dir the folder
         * @return this builder
         */
        public Builder optCacheDirectory(Path dir) {
            this.cacheDirectory = dir;
            return this;
        }

        /**
         * Sets whether a missing cached copy is downloaded (default on).
         *
         * @param download whether to download
         * @return this builder
         */
        public Builder optDownload(boolean download) {
            this.download = download;
            return this;
        }

        /**
         * Sets where the archive is downloaded from (default {@link #ARCHIVE_URI}).
         *
         * @param uri an http(s) URI of the zip
         * @return this builder
         */
        public Builder optUri(URI uri) {
            this.uri = uri;
            return this;
        }

        /**
         * Sets the archive's SHA-256, when known, to check the download before unpacking.
         *
         * @param hex 64 hexadecimal digits, or {@code null}
         * @return this builder
         */
        public Builder optArchiveSha256(String hex) {
            this.archiveSha256 = hex;
            return this;
        }

        /**
         * Sets the connect and request timeout of a download (default 30 s).
         *
         * @param timeout the timeout
         * @return this builder
         */
        public Builder optTimeout(Duration timeout) {
            this.timeout = timeout;
            return this;
        }

        /**
         * Builds the dataset; nothing is read or downloaded until {@link #prepare()}.
         *
         * @return the dataset
         * @throws IllegalArgumentException naming a malformed URI, checksum or timeout
         */
        public ImmFaceDatabase build() {
            ImmFaceDatabase db = new ImmFaceDatabase(this);
            if (localPath == null) {
                db.downloader(); // validates the URI, the checksum and the timeout now
            }
            return db;
        }
    }
}
