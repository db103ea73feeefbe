package io.github.keypoints.data.load;

import io.github.keypoints.data.FaceSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How a run divides its faces into training, selection and validation faces ({@link FaceSplit}), as
 * a value a saved model records, so that evaluation rebuilds exactly the faces the model was
 * validated on.
 *
 * <p>Its text form ({@code toString()}, read back by {@link #parse(String)}) is what a model's
 * provenance holds under {@link #PROVENANCE_KEY}:
 *
 * <ul>
 *   <li>{@code imm-person<=32}: IMM persons 1–32 train, the rest validate ({@link ImmPersons});
 *       {@code imm-person<=32;select>28} also holds out persons 29–32 to choose the epoch.
 *   <li>{@code every-5th}: every 5th face (the 5th, 10th, …) validates ({@link EveryNthSample}).
 *   <li>{@code photo-holdout every 10th}: every 10th photo by name, with all its faces, is held out
 *       to choose the epoch and validate ({@link EveryNthPhoto}; {@code … from 3} for another
 *       offset).
 * </ul>
 *
 * <!-- snippet-context: List<FaceSample> faces; -->
 *
 * <pre>{@code
 * SplitRule rule = SplitRule.parse("imm-person<=32;select>28");
 * FaceSplit split = rule.apply(faces);   // 168 train, 24 selection, 48 validation faces of IMM
 * }</pre>
 */
public sealed interface SplitRule
        permits SplitRule.ImmPersons, SplitRule.EveryNthSample, SplitRule.EveryNthPhoto {

    /** The provenance key a model's split is recorded under. */
    String PROVENANCE_KEY = "split";

    /**
     * Divides faces by this rule.
     *
     * @param faces the faces, in any order; each part keeps their order
     * @return the split
     * @throws IllegalArgumentException naming a face the rule cannot place (such as a non-IMM name)
     */
    FaceSplit apply(List<FaceSample> faces);

    /**
     * Returns the person-wise IMM split.
     *
     * @param lastTrainPerson persons up to this one train
     * @param selectPersons how many of the last training persons choose the epoch instead (0: the
     *     validation persons do)
     * @return the rule
     * @throws IllegalArgumentException unless {@code 0 <= selectPersons < lastTrainPerson}
     */
    static SplitRule immPersons(int lastTrainPerson, int selectPersons) {
        return new ImmPersons(lastTrainPerson, selectPersons);
    }

    /**
     * Reads a rule from its text form.
     *
     * @param text a {@code toString()} of a rule
     * @return the rule
     * @throws IllegalArgumentException naming the text and the forms it may take
     */
    static SplitRule parse(String text) {
        Matcher m = ImmPersons.FORM.matcher(text.strip());
        if (m.matches()) {
            int last = Integer.parseInt(m.group(1));
            int select = m.group(2) == null ? 0 : last - Integer.parseInt(m.group(2));
            return new ImmPersons(last, select);
        }
        m = EveryNthSample.FORM.matcher(text.strip());
        if (m.matches()) {
            return new EveryNthSample(Integer.parseInt(m.group(1)));
        }
        m = EveryNthPhoto.FORM.matcher(text.strip());
        if (m.matches()) {
            return new EveryNthPhoto(
                    Integer.parseInt(m.group(1)),
                    m.group(2) == null ? 0 : Integer.parseInt(m.group(2)));
        }
        throw new IllegalArgumentException(
                "Unknown split '"
                        + text
                        + "'; expected imm-person<=L[;select>S], every-Nth or photo-holdout every"
                        + " Nth[ from O]");
    }

    /**
     * Reads the split a model's provenance records, if it records one.
     *
     * @param provenance a saved model's provenance
     * @return the rule, or empty when there is none
     * @throws IllegalArgumentException when the recorded split has no known form
     */
    static Optional<SplitRule> fromProvenance(Map<String, String> provenance) {
        String text = provenance.get(PROVENANCE_KEY);
        return text == null || text.isBlank() ? Optional.empty() : Optional.of(parse(text));
    }

    private static String ordinal(int n) {
        int tens = n % 100;
        int ones = n % 10;
        String suffix =
                tens >= 11 && tens <= 13
                        ? "th"
                        : ones == 1 ? "st" : ones == 2 ? "nd" : ones == 3 ? "rd" : "th";
        return n + suffix;
    }

    /**
     * IMM persons up to {@code lastTrainPerson} train, the rest validate ({@link ImmSplit}); with
     * {@code selectPersons > 0} the last that many training persons are held out to choose the
     * epoch, so nothing is chosen on the validation persons.
     *
     * @param lastTrainPerson persons up to this one train, at least 1
     * @param selectPersons held-out training persons, {@code 0 <= selectPersons < lastTrainPerson}
     */
    record ImmPersons(int lastTrainPerson, int selectPersons) implements SplitRule {

        private static final Pattern FORM =
                Pattern.compile("imm-person<=(\\d+)(?:;select>(\\d+))?");

        /**
         * Validates the numbers.
         *
         * @param lastTrainPerson persons up to this one train, at least 1
         * @param selectPersons held-out training persons
         */
        public ImmPersons {
            if (lastTrainPerson < 1) {
                throw new IllegalArgumentException(
                        "lastTrainPerson must be at least 1, got " + lastTrainPerson);
            }
            if (selectPersons < 0 || selectPersons >= lastTrainPerson) {
                throw new IllegalArgumentException(
                        "selectPersons must be in 0.."
                                + (lastTrainPerson - 1)
                                + " (below lastTrainPerson "
                                + lastTrainPerson
                                + "), got "
                                + selectPersons);
            }
        }

        @Override
        public FaceSplit apply(List<FaceSample> faces) {
            ImmSplit s = ImmSplit.byPerson(faces, lastTrainPerson);
            if (selectPersons == 0) {
                return new FaceSplit(s.train(), s.validation(), s.validation());
            }
            ImmSplit t = ImmSplit.byPerson(s.train(), lastTrainPerson - selectPersons);
            return new FaceSplit(t.train(), t.validation(), s.validation());
        }

        @Override
        public String toString() {
            return "imm-person<="
                    + lastTrainPerson
                    + (selectPersons == 0 ? "" : ";select>" + (lastTrainPerson - selectPersons));
        }
    }

    /**
     * Every {@code n}-th face in input order (the {@code n}-th, {@code 2n}-th, …) validates; the
     * rest train.
     *
     * @param n at least 2
     */
    record EveryNthSample(int n) implements SplitRule {

        private static final Pattern FORM = Pattern.compile("every-(\\d+)(?:st|nd|rd|th)");

        /**
         * Validates {@code n}.
         *
         * @param n at least 2
         */
        public EveryNthSample {
            if (n < 2) {
                throw new IllegalArgumentException("n must be at least 2, got " + n);
            }
        }

        @Override
        public FaceSplit apply(List<FaceSample> faces) {
            List<FaceSample> train = new ArrayList<>();
            List<FaceSample> val = new ArrayList<>();
            for (int i = 0; i < faces.size(); i++) {
                (i % n == n - 1 ? val : train).add(faces.get(i));
            }
            return new FaceSplit(train, val, val);
        }

        @Override
        public String toString() {
            return "every-" + ordinal(n);
        }
    }

    /**
     * Every {@code n}-th photo by name, from the {@code offset}-th, is held out with all its faces
     * ({@link PhotoSplit}) to choose the epoch and to validate.
     *
     * @param n at least 2
     * @param offset {@code 0..n-1}
     */
    record EveryNthPhoto(int n, int offset) implements SplitRule {

        private static final Pattern FORM =
                Pattern.compile(
                        "photo-holdout every (\\d+)(?:st|nd|rd|th)(?: from (\\d+))?(?::.*)?");

        /**
         * Validates the numbers.
         *
         * @param n at least 2
         * @param offset {@code 0..n-1}
         */
        public EveryNthPhoto {
            if (n < 2 || offset < 0 || offset >= n) {
                throw new IllegalArgumentException(
                        "expected n >= 2 and offset in 0..n-1, got n " + n + ", offset " + offset);
            }
        }

        @Override
        public FaceSplit apply(List<FaceSample> faces) {
            PhotoSplit s = PhotoSplit.everyNthPhoto(faces, n, offset);
            return new FaceSplit(s.train(), s.heldOut(), s.heldOut());
        }

        @Override
        public String toString() {
            return "photo-holdout every " + ordinal(n) + (offset == 0 ? "" : " from " + offset);
        }
    }
}
