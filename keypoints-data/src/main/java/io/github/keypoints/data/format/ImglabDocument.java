package io.github.keypoints.data.format;

import io.github.keypoints.data.FaceSample;
import java.util.List;

/**
 * What an imglab XML file holds: one sample per annotated, non-ignored box, the boxes that could
 * not be read (each error names the element and line), and how many boxes were marked {@code
 * ignore}.
 *
 * @param faces the samples, in document order, each with its box
 * @param badFaces one error per box that is not a valid landmark annotation
 * @param ignoredBoxes the number of boxes marked {@code ignore='1'}, left out on purpose
 */
public record ImglabDocument(
        List<FaceSample> faces, List<MalformedAnnotationException> badFaces, int ignoredBoxes) {

    /** Copies the lists. */
    public ImglabDocument {
        faces = List.copyOf(faces);
        badFaces = List.copyOf(badFaces);
    }
}
