package io.github.keypoints.data.load;

import io.github.keypoints.data.FaceSample;
import java.util.ArrayList;
import java.util.List;

/**
 * A person-wise split of IMM samples: no person appears in both parts, so validation measures
 * generalisation to new faces rather than to new photos of known ones.
 *
 * @param train the training samples
 * @param validation the validation samples
 */
public record ImmSplit(List<FaceSample> train, List<FaceSample> validation) {

    /** The reference project's split: persons 1–32 train, 33–40 validate (192 / 48 images). */
    public static final int REFERENCE_LAST_TRAIN_PERSON = 32;

    /**
     * Copies the lists.
     *
     * @param train see the record description
     * @param validation see the record description
     */
    public ImmSplit {
        train = List.copyOf(train);
        validation = List.copyOf(validation);
    }

    /**
     * Splits samples by the person number in their id ({@link ImmFaceName}).
     *
     * @param samples IMM samples whose ids are {@code NN-Kg}
     * @param lastTrainPerson persons up to and including this number train, the rest validate; use
     *     {@link #REFERENCE_LAST_TRAIN_PERSON} for the reference split
     * @return the split, each part in input order
     * @throws IllegalArgumentException naming the sample whose id is not an IMM name
     */
    public static ImmSplit byPerson(List<FaceSample> samples, int lastTrainPerson) {
        List<FaceSample> train = new ArrayList<>();
        List<FaceSample> val = new ArrayList<>();
        for (FaceSample s : samples) {
            int person = ImmFaceName.parse(s.id()).person();
            (person <= lastTrainPerson ? train : val).add(s);
        }
        return new ImmSplit(train, val);
    }
}
