/**
 * Annotation file formats: parsers and writers for IMM {@code .asf}, 300-W {@code .pts}, dlib
 * imglab XML and the Kaggle-style submission CSV. Every parse error is a {@link
 * io.github.keypoints.data.format.MalformedAnnotationException} naming the file, the line or
 * element, and what was expected versus found.
 */
package io.github.keypoints.data.format;
