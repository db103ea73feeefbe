package io.github.keypoints.data.dataset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * A batch prepared on the CPU without an engine ({@link FaceLandmarkDataset#prepareBatch}): the
 * inputs and labels of {@code size} samples as flat arrays, ready to become two tensors in one copy
 * each. Preparing needs no {@link NDManager}, so it can run on another thread while the previous
 * batch trains.
 *
 * @param size the number of samples
 * @param channels the input channels
 * @param height the input height
 * @param width the input width
 * @param inputs {@code size × channels × height × width} normalised pixels, sample-major
 * @param labels {@code size × labelWidth} input-relative coordinates
 * @param labelWidth the label values per sample ({@code 2 ×} the scheme's points)
 */
public record PreparedBatch(
        int size,
        int channels,
        int height,
        int width,
        float[] inputs,
        float[] labels,
        int labelWidth) {

    /**
     * Validates the array lengths.
     *
     * @param size the number of samples
     * @param channels the input channels
     * @param height the input height
     * @param width the input width
     * @param inputs the inputs; not copied
     * @param labels the labels; not copied
     * @param labelWidth the label values per sample
     */
    public PreparedBatch {
        if ((long) size * channels * height * width != inputs.length
                || (long) size * labelWidth != labels.length) {
            throw new IllegalArgumentException(
                    "arrays of "
                            + inputs.length
                            + " inputs and "
                            + labels.length
                            + " labels do not hold "
                            + size
                            + " samples of "
                            + channels
                            + "x"
                            + height
                            + "x"
                            + width
                            + " with "
                            + labelWidth
                            + " label values");
        }
    }

    /**
     * Copies the inputs into a tensor {@code [size, channels, height, width]}.
     *
     * @param manager the manager that owns the tensor
     * @return the input batch
     */
    public NDArray inputArray(NDManager manager) {
        return TensorUpload.floats(manager, inputs, new Shape(size, channels, height, width));
    }

    /**
     * Copies the labels into a tensor {@code [size, labelWidth]}.
     *
     * @param manager the manager that owns the tensor
     * @return the label batch
     */
    public NDArray labelArray(NDManager manager) {
        return TensorUpload.floats(manager, labels, new Shape(size, labelWidth));
    }

    /**
     * Both tensors as DJL lists: {@code (data, labels)}.
     *
     * @param manager the manager that owns the tensors
     * @return the data list and the label list
     */
    public NDList[] toNDLists(NDManager manager) {
        return new NDList[] {new NDList(inputArray(manager)), new NDList(labelArray(manager))};
    }
}
