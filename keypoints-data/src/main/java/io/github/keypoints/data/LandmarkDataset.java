package io.github.keypoints.data;

/**
 * What training and evaluation need to know about a prepared landmark dataset beyond its tensors:
 * the original annotation of each sample and how to map network-input coordinates back to the
 * original image.
 *
 * <p>Target convention shared by every model: a sample's label is 2N floats {@code x0, y0, x1, y1,
 * …} relative to the network input, {@code x_rel = x_input / inputWidth()} and {@code y_rel =
 * y_input / inputHeight()}, where {@code (x_input, y_input)} are pixel coordinates in the
 * network-input image (pixel centres at integers, as everywhere in this library). A prediction in
 * that form returns to original-image pixels by scaling with the input size and then applying
 * {@link #toOriginal(int)}.
 */
public interface LandmarkDataset {

    /**
     * Returns the landmark scheme of the targets.
     *
     * @return the scheme
     */
    LandmarkScheme scheme();

    /**
     * Returns the network input width in pixels.
     *
     * @return the width
     */
    int inputWidth();

    /**
     * Returns the network input height in pixels.
     *
     * @return the height
     */
    int inputHeight();

    /**
     * Returns the number of samples.
     *
     * @return the sample count
     */
    long size();

    /**
     * Returns the original annotation of sample {@code index}.
     *
     * @param index the sample index, {@code 0 <= index < size()}
     * @return the sample, keypoints in original-image pixels
     */
    FaceSample sample(int index);

    /**
     * Returns the transform from network-input pixels of the un-augmented sample {@code index} to
     * its original-image pixels (the inverse of the crop and resize).
     *
     * @param index the sample index
     * @return the inverse preprocessing transform
     */
    Affine toOriginal(int index);
}
