package io.github.keypoints.data.format;

/**
 * Where an annotation file's pixel coordinates start. The library's own coordinates put the centre
 * of the top-left pixel at {@code (0, 0)} (the convention of OpenCV, dlib's imglab XML and {@link
 * io.github.keypoints.data.Affine#horizontalFlip(int)}); MATLAB-made annotations, among them
 * 300-W's {@code .pts} files, put it at {@code (1, 1)}.
 *
 * <p>Reading a one-based file as zero-based moves every point one pixel right and down. On 300-W
 * that is not harmless: a mirrored face's points then sit one pixel left of its mirrored pixels, so
 * training with random mirroring asks for two positions two pixels apart for a face and its mirror,
 * and a model trained that way lands about a pixel left of the labels ({@code
 * docs/results-300w.md}).
 */
public enum PixelOrigin {
    /** The first pixel's centre is at {@code (0, 0)}: coordinates are read as written. */
    ZERO_BASED(0),
    /**
     * The first pixel's centre is at {@code (1, 1)}: one is subtracted on reading, added on
     * writing.
     */
    ONE_BASED(1);

    private final int offset;

    PixelOrigin(int offset) {
        this.offset = offset;
    }

    /**
     * Returns what a file's coordinate minus the library's coordinate of the same point is.
     *
     * @return 0 or 1
     */
    public int offset() {
        return offset;
    }
}
