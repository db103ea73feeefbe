/**
 * Small file-system helpers shared by every module: outputs that appear whole or not at all ({@link
 * io.github.keypoints.data.io.AtomicOutput}), recursive deletion ({@link
 * io.github.keypoints.data.io.FileTrees}) and SHA-256 digests ({@link
 * io.github.keypoints.data.io.Sha256}).
 */
package io.github.keypoints.data.io;
