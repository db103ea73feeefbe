/**
 * Keypoint networks as engine-agnostic DJL {@link ai.djl.nn.Block}s, their PyTorch-default
 * initialisation, torchvision weight import, and self-describing saved models.
 *
 * <p>Every network maps a {@code C×H×W} image batch to {@code 2N} coordinates {@code x0, y0, x1,
 * y1, …} relative to the network input ({@code x_rel = x_input / inputWidth}, pixel centres at
 * integers), the target convention of {@link io.github.keypoints.data.LandmarkDataset}. {@link
 * io.github.keypoints.models.ModelZoo} maps architecture names to builders and {@link
 * io.github.keypoints.models.KeypointModel} saves and reloads a trained network with its {@link
 * io.github.keypoints.models.ModelSpec}.
 */
package io.github.keypoints.models;
