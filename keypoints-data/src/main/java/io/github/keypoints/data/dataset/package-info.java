/**
 * The DJL adapter: a {@link ai.djl.training.dataset.RandomAccessDataset} of face samples with
 * preprocessing, per-epoch reproducible augmentation and an image cache.
 */
package io.github.keypoints.data.dataset;
