/** Image input and output on OpenCV {@code Mat}s: loading the native library, reading files. */
package io.github.keypoints.data.image;
