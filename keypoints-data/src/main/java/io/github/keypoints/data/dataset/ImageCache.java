package io.github.keypoints.data.dataset;

import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Keeps prepared input images so that epochs after the first never decode and resize the original
 * photo again.
 *
 * <p>Keys are built by the dataset from the image file's path, modification time and size and from
 * every preprocessing parameter (see {@link FaceLandmarkDataset}), so an edited photo or a changed
 * input size never hits a stale entry. Implementations are thread-safe: DJL may prefetch samples in
 * parallel.
 */
public interface ImageCache {

    /**
     * Returns the cached image for {@code key}, computing and storing it with {@code loader} if
     * absent.
     *
     * @param key the cache key
     * @param loader computes the image on a miss
     * @return the image
     */
    CachedImage get(String key, Supplier<CachedImage> loader);

    /**
     * Returns a cache that keeps nothing: every call decodes again.
     *
     * @return the pass-through cache
     */
    static ImageCache none() {
        return (key, loader) -> loader.get();
    }

    /**
     * Returns a cache that keeps prepared images in the Java heap (a 240×180 gray image is 43 KB,
     * so the 240 IMM photos take about 10 MB).
     *
     * @return a new in-memory cache
     */
    static ImageCache inMemory() {
        return new MemoryImageCache();
    }

    /**
     * Returns a cache that keeps prepared images as files in a directory, surviving the JVM.
     * Entries are written to a temporary file and atomically moved into place, so a crash never
     * leaves a half-written entry.
     *
     * @param directory the cache directory, created if missing
     * @return a new disk cache
     */
    static ImageCache onDisk(Path directory) {
        return new DiskImageCache(directory);
    }
}
