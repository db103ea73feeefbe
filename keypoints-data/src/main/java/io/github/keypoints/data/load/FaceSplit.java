package io.github.keypoints.data.load;

import io.github.keypoints.data.FaceSample;
import java.util.List;

/**
 * The faces of a run, divided by a {@link SplitRule}: the network trains on {@code train}, each
 * epoch is measured (and the best one chosen) on {@code selection}, and {@code validation} is what
 * the reported figures are measured on. Without a separate selection part, {@code selection} and
 * {@code validation} are the same faces.
 *
 * @param train the training faces
 * @param selection the faces measured every epoch
 * @param validation the faces the reported figures come from
 */
public record FaceSplit(
        List<FaceSample> train, List<FaceSample> selection, List<FaceSample> validation) {

    /**
     * Copies the lists.
     *
     * @param train the training faces
     * @param selection the faces measured every epoch
     * @param validation the faces the reported figures come from
     */
    public FaceSplit {
        train = List.copyOf(train);
        selection = List.copyOf(selection);
        validation = List.copyOf(validation);
    }

    /**
     * Tells whether epochs are chosen on faces other than the validation faces.
     *
     * @return whether the selection part is separate
     */
    public boolean selects() {
        return !selection.equals(validation);
    }
}
