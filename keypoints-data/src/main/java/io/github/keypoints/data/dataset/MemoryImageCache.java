package io.github.keypoints.data.dataset;

import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/** An {@link ImageCache} in the Java heap. */
final class MemoryImageCache implements ImageCache {

    private final ConcurrentHashMap<String, CachedImage> entries = new ConcurrentHashMap<>();

    @Override
    public CachedImage get(String key, Supplier<CachedImage> loader) {
        CachedImage hit = entries.get(key);
        if (hit != null) {
            return hit;
        }
        // Computed outside the map lock so slow decodes of other keys run in parallel; two
        // threads racing on one key both compute, and the first stored value wins.
        CachedImage fresh = loader.get();
        CachedImage prior = entries.putIfAbsent(key, fresh);
        return prior != null ? prior : fresh;
    }

    @Override
    public String toString() {
        return "ImageCache.inMemory[" + entries.size() + " entries]";
    }
}
