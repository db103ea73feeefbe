package io.github.keypoints.train;

import ai.djl.training.tracker.Tracker;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How the learning rate changes over a run: fixed, multi-step (new rates from given epochs on, such
 * as 1e-4 dropping to 5e-5 after epoch 25) or cosine annealing (<a
 * href="https://arxiv.org/abs/1608.03983">Loshchilov and Hutter, SGDR, 2017</a>, without restarts)
 * from the base rate to a final rate over every step of the run.
 *
 * <p>Epochs are counted from 0: a drop "after epoch 25" of a 1-based count takes effect at epoch
 * index 25. Immutable.
 */
public final class LearningRateSchedule {

    private enum Kind {
        FIXED,
        MULTI_STEP,
        COSINE
    }

    private final Kind kind;
    private final float base;
    private final float finalRate;
    private final NavigableMap<Integer, Float> drops;

    private LearningRateSchedule(
            Kind kind, float base, float finalRate, NavigableMap<Integer, Float> drops) {
        if (!(base > 0) || !Float.isFinite(base)) {
            throw new IllegalArgumentException("learning rate must be positive, got " + base);
        }
        this.kind = kind;
        this.base = base;
        this.finalRate = finalRate;
        this.drops = drops;
    }

    /**
     * A constant learning rate.
     *
     * @param rate the rate
     * @return the schedule
     */
    public static LearningRateSchedule fixed(float rate) {
        return new LearningRateSchedule(Kind.FIXED, rate, rate, new TreeMap<>());
    }

    /**
     * A piecewise-constant rate: {@code base} until the first drop, then each drop's rate from its
     * epoch index on.
     *
     * @param base the initial rate
     * @param drops epoch index to the rate used from that epoch on
     * @return the schedule
     */
    public static LearningRateSchedule multiStep(float base, Map<Integer, Float> drops) {
        TreeMap<Integer, Float> d = new TreeMap<>(Objects.requireNonNull(drops, "drops"));
        d.forEach(
                (e, r) -> {
                    if (e < 0 || !(r > 0)) {
                        throw new IllegalArgumentException(
                                "bad learning-rate drop "
                                        + e
                                        + ":"
                                        + r
                                        + " (epoch >= 0, rate > 0)");
                    }
                });
        return new LearningRateSchedule(Kind.MULTI_STEP, base, base, d);
    }

    /**
     * A cosine decay from {@code base} to {@code finalRate} over the whole run.
     *
     * @param base the initial rate
     * @param finalRate the rate at the last step
     * @return the schedule
     */
    public static LearningRateSchedule cosine(float base, float finalRate) {
        if (finalRate < 0 || finalRate > base) {
            throw new IllegalArgumentException(
                    "cosine final rate must lie in [0, base], got " + finalRate);
        }
        return new LearningRateSchedule(Kind.COSINE, base, finalRate, new TreeMap<>());
    }

    /**
     * Parses a drop such as {@code 25:5e-5} into a multi-step schedule on top of {@code base}.
     *
     * @param base the initial rate
     * @param spec one or more {@code EPOCH:RATE} pairs separated by commas
     * @return the schedule
     * @throws IllegalArgumentException naming the bad pair
     */
    public static LearningRateSchedule parseDrops(float base, String spec) {
        Map<Integer, Float> drops = new TreeMap<>();
        for (String part : spec.split(",")) {
            String[] kv = part.trim().split(":");
            try {
                if (kv.length != 2) {
                    throw new NumberFormatException();
                }
                drops.put(Integer.parseInt(kv[0].trim()), Float.parseFloat(kv[1].trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                        "bad learning-rate drop '"
                                + part
                                + "', expected EPOCH:RATE such as 25:5e-5",
                        e);
            }
        }
        return multiStep(base, drops);
    }

    /**
     * Returns the initial learning rate.
     *
     * @return the base rate
     */
    public float baseRate() {
        return base;
    }

    /**
     * Returns the rate the schedule ends at: the base rate when fixed, the cosine's final rate, or
     * the last drop's rate.
     *
     * @return the final rate
     */
    public float finalRate() {
        return kind == Kind.MULTI_STEP && !drops.isEmpty()
                ? drops.lastEntry().getValue()
                : finalRate;
    }

    /**
     * Returns this schedule started from another rate: a fixed rate becomes that rate, a cosine
     * starts there and ends at its final rate (or at the new rate, if that is lower), and drops
     * stay where they were.
     *
     * @param rate the new initial rate, positive
     * @return the schedule
     */
    public LearningRateSchedule withBaseRate(float rate) {
        return switch (kind) {
            case FIXED -> fixed(rate);
            case COSINE -> cosine(rate, Math.min(rate, finalRate));
            case MULTI_STEP -> multiStep(rate, drops);
        };
    }

    /**
     * Returns the rate of a given optimiser step.
     *
     * @param step the step index from 0 over the whole run
     * @param stepsPerEpoch optimiser steps in one epoch
     * @param epochs epochs of the run
     * @return the learning rate
     */
    public float rate(long step, int stepsPerEpoch, int epochs) {
        switch (kind) {
            case MULTI_STEP:
                Map.Entry<Integer, Float> e = drops.floorEntry((int) (step / stepsPerEpoch));
                return e == null ? base : e.getValue();
            case COSINE:
                long total = Math.max(1L, (long) stepsPerEpoch * epochs - 1);
                double t = Math.min(1.0, step / (double) total);
                return (float) (finalRate + (base - finalRate) * 0.5 * (1 + Math.cos(Math.PI * t)));
            default:
                return base;
        }
    }

    /**
     * Adapts the schedule to DJL's {@link Tracker}, whose update counts start at 1.
     *
     * @param stepsPerEpoch optimiser steps in one epoch
     * @param epochs epochs of the run
     * @return the tracker
     */
    public Tracker toTracker(int stepsPerEpoch, int epochs) {
        if (stepsPerEpoch < 1 || epochs < 1) {
            throw new IllegalArgumentException("steps per epoch and epochs must be positive");
        }
        return numUpdate -> rate(Math.max(0, numUpdate - 1), stepsPerEpoch, epochs);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LearningRateSchedule s
                && kind == s.kind
                && base == s.base
                && finalRate == s.finalRate
                && drops.equals(s.drops);
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, base, finalRate, drops);
    }

    @Override
    public String toString() {
        switch (kind) {
            case MULTI_STEP:
                return "multi-step " + base + " " + drops;
            case COSINE:
                return "cosine " + base + "->" + finalRate;
            default:
                return "fixed " + base;
        }
    }
}
