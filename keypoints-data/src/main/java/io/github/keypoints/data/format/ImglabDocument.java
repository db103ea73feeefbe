package io.github.keypoints.data.format;

import io.github.keypoints.data.FaceSample;
import io.github.keypoints.data.image.ImageHeader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What an imglab XML file holds: one sample per annotated, non-ignored box, the boxes that could
 * not be read (each error names the element and line), and how many boxes were marked {@code
 * ignore}.
 *
 * @param faces the samples, in document order, each with its box
 * @param badFaces one error per box that is not a valid landmark annotation
 * @param ignoredBoxes the number of boxes marked {@code ignore='1'}, left out on purpose
 * @param declaredSizes the image sizes the file declares with {@code <image width height>}, by
 *     resolved image path (format {@code "declared"}); images without both attributes are absent
 */
public record ImglabDocument(
        List<FaceSample> faces,
        List<MalformedAnnotationException> badFaces,
        int ignoredBoxes,
        Map<Path, ImageHeader> declaredSizes) {

    /**
     * Copies the lists.
     *
     * @param faces see the record description
     * @param badFaces see the record description
     * @param ignoredBoxes see the record description
     * @param declaredSizes see the record description
     */
    public ImglabDocument {
        faces = List.copyOf(faces);
        badFaces = List.copyOf(badFaces);
        declaredSizes = Map.copyOf(declaredSizes);
    }
}
