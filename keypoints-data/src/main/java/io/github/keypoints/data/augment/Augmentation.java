package io.github.keypoints.data.augment;

import java.util.List;
import java.util.random.RandomGenerator;

/**
 * One random augmentation step: it draws its parameters from the random generator it is given and
 * records what to do in an {@link AugmentationPlan}; the {@link AugmentationPipeline} then moves
 * pixels and points together.
 *
 * <p>Randomness always comes in through the argument (a seeded {@link java.util.Random} or {@link
 * java.util.SplittableRandom}), so the same seed gives the same stream of augmented samples.
 * Implementations are immutable and safe to share between threads.
 *
 * <pre>{@code
 * Augmentation reference = Augmentation.sequence(
 *         Augmentation.oneOf(
 *                 Augmentation.rotation(15, Center.IMAGE),
 *                 Augmentation.shift(10)),
 *         Augmentation.withProbability(0.5, Augmentation.horizontalFlip()),
 *         Augmentation.colorJitter(0.2, 0.2));
 * }</pre>
 */
@FunctionalInterface
public interface Augmentation {

    /**
     * Draws this step's parameters and appends its operations to the plan.
     *
     * @param plan the plan of the current sample
     * @param random the source of randomness
     */
    void plan(AugmentationPlan plan, RandomGenerator random);

    /**
     * Returns a rotation by an angle drawn uniformly from {@code [−maxDegrees, maxDegrees]}.
     *
     * @param maxDegrees the largest angle, 0..180
     * @param center the point to turn about
     * @return the rotation
     */
    static Augmentation rotation(double maxDegrees, Center center) {
        return new RandomRotation(maxDegrees, center);
    }

    /**
     * Returns a translation by x and y shifts each drawn uniformly from {@code [−maxPixels,
     * maxPixels]}.
     *
     * @param maxPixels the largest shift per axis, at least 0
     * @return the shift
     */
    static Augmentation shift(double maxPixels) {
        return new RandomShift(maxPixels);
    }

    /**
     * Returns a uniform scaling by a factor drawn from {@code [min, max]} about a centre.
     *
     * @param min the smallest factor, positive
     * @param max the largest factor, at least {@code min}
     * @param center the fixed point of the scaling
     * @return the scaling
     */
    static Augmentation scale(double min, double max, Center center) {
        return new RandomScale(min, max, center);
    }

    /**
     * Returns a horizontal mirror of image and points, with the points renumbered by the scheme's
     * flip permutation. Wrap it in {@link #withProbability} for a random flip.
     *
     * @return the flip
     */
    static Augmentation horizontalFlip() {
        return HorizontalFlip.INSTANCE;
    }

    /**
     * Returns a colour jitter: contrast factor {@code c} drawn from {@code [1 − contrast, 1 +
     * contrast]} about the image mean, and brightness offset drawn from {@code ±brightness·255};
     * {@code pixel' = (pixel − mean)·c + mean + offset}, saturated to 0..255.
     *
     * @param brightness the largest brightness change as a fraction of full scale, 0..1
     * @param contrast the largest relative contrast change, 0..1
     * @return the jitter
     */
    static Augmentation colorJitter(double brightness, double contrast) {
        return new ColorJitter(brightness, contrast);
    }

    /**
     * Returns a step that applies exactly one of the given steps, chosen uniformly (the reference
     * applied either a rotation or a shift to each sample).
     *
     * @param choices the candidates, at least one
     * @return the choice
     */
    static Augmentation oneOf(Augmentation... choices) {
        return new OneOf(List.of(choices));
    }

    /**
     * Returns a step that applies {@code step} with probability {@code p}.
     *
     * @param p the probability, 0..1
     * @param step the step
     * @return the optional step
     */
    static Augmentation withProbability(double p, Augmentation step) {
        return new WithProbability(p, step);
    }

    /**
     * Returns the steps applied in order; their geometric parts multiply into one matrix.
     *
     * @param steps the steps
     * @return the sequence
     */
    static Augmentation sequence(Augmentation... steps) {
        return new Sequence(List.of(steps));
    }

    /**
     * Returns this step followed by {@code next}.
     *
     * @param next the step applied after this one
     * @return the sequence
     */
    default Augmentation then(Augmentation next) {
        return new Sequence(List.of(this, next));
    }
}
