package io.github.keypoints.data.format;

import io.github.keypoints.data.Keypoints;
import io.github.keypoints.data.io.AtomicOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Writes predictions as a Kaggle-style submission CSV: a header {@code Id,Predicted} and one row
 * per coordinate, in original-image pixels.
 *
 * <p>Row numbering follows the reference Kaggle competition: rows are numbered from 1; for image
 * {@code i} (0-based, in list order) and point {@code j} (0-based, in scheme order) the x
 * coordinate is row {@code 1 + 2·(i·N + j)} and the y coordinate the row after it, where N is the
 * point count. So with 58 points, image 0 fills rows 1–116 ({@code 1} = x of point 0, {@code 2} = y
 * of point 0, …) and image 1 starts at row 117.
 */
public final class SubmissionCsv {

    private SubmissionCsv() {}

    /**
     * Writes the submission atomically.
     *
     * @param predictions one prediction per test image, in the competition's image order, all with
     *     the same point count
     * @param file the target CSV file
     * @throws IOException if the file cannot be written
     * @throws IllegalArgumentException if the predictions differ in point count
     */
    public static void write(List<Keypoints> predictions, Path file) throws IOException {
        StringBuilder sb = new StringBuilder("Id,Predicted\n");
        long id = 1;
        int n = predictions.isEmpty() ? 0 : predictions.get(0).size();
        for (int i = 0; i < predictions.size(); i++) {
            Keypoints k = predictions.get(i);
            if (k.size() != n) {
                throw new IllegalArgumentException(
                        "Expected "
                                + n
                                + " points in every prediction, found "
                                + k.size()
                                + " in prediction "
                                + i);
            }
            for (int j = 0; j < n; j++) {
                sb.append(id++).append(',').append(TextLines.plain(k.x(j))).append('\n');
                sb.append(id++).append(',').append(TextLines.plain(k.y(j))).append('\n');
            }
        }
        AtomicOutput.writeString(file, sb.toString());
    }
}
