package io.github.keypoints.data.detect;

import io.github.keypoints.data.Box;
import java.util.List;
import java.util.Optional;
import org.opencv.core.Mat;

/**
 * Finds the faces in a photo, for a landmarker to crop around.
 *
 * <p>A finder returns boxes in the convention the library's landmark models are trained with: the
 * tight box of the face's 68 landmarks (jaw line to brows), as closely as the finder can tell it.
 * {@link CascadeFaceFinder} maps its cascade's boxes onto that convention with a {@link
 * BoxCalibration}; a finder of your own should do the same (a landmarker's error grows with the
 * box's).
 *
 * <pre>{@code
 * Mat photo = ImageFiles.read(Path.of("photo.jpg"), false);
 * FaceFinder finder = CascadeFaceFinder.builder().build(); // OpenCV's LBP cascade, in the jar
 * List<Box> faces = finder.find(photo);                     // largest first
 * }</pre>
 */
@FunctionalInterface
public interface FaceFinder {

    /**
     * Finds the faces in a photo.
     *
     * @param image an 8-bit BGR, BGRA or gray photo; not modified or released
     * @return the face boxes in the photo's pixels, largest first; empty if none
     */
    List<Box> find(Mat image);

    /**
     * Finds the largest face.
     *
     * @param image an 8-bit BGR, BGRA or gray photo; not modified or released
     * @return the largest face box, or empty if no face was found
     */
    default Optional<Box> findLargest(Mat image) {
        List<Box> boxes = find(image);
        return boxes.isEmpty() ? Optional.empty() : Optional.of(boxes.get(0));
    }
}
