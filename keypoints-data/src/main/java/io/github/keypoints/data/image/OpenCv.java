package io.github.keypoints.data.image;

/**
 * Loads the OpenCV native library bundled in the {@code org.openpnp:opencv} jar, once per JVM.
 *
 * <p>Every class that touches {@code org.opencv} calls {@link #load()} first; the call is cheap
 * after the first one.
 */
public final class OpenCv {

    private static volatile boolean loaded;

    private OpenCv() {}

    /**
     * Loads the native library if it is not loaded yet.
     *
     * @throws IllegalStateException if the platform has no bundled OpenCV library
     */
    public static void load() {
        if (loaded) {
            return;
        }
        synchronized (OpenCv.class) {
            if (!loaded) {
                try {
                    nu.pattern.OpenCV.loadLocally();
                } catch (RuntimeException | LinkageError e) {
                    throw new IllegalStateException(
                            "Cannot load the OpenCV native library from org.openpnp:opencv on "
                                    + System.getProperty("os.name")
                                    + "/"
                                    + System.getProperty("os.arch"),
                            e);
                }
                loaded = true;
            }
        }
    }
}
