package io.github.keypoints.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.nn.ParameterList;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import io.github.keypoints.models.KeypointBlock;
import io.github.keypoints.models.KeypointModel;
import io.github.keypoints.models.ModelSpec;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * An exponential moving average of a training network's weights, updated after every optimiser step
 * and kept in a second copy of the network ({@link KeypointTrainer.Builder#optWeightAverage}). The
 * training network goes on with its own weights; validation, the choice of the best epoch, the
 * checkpoints' model and the saved model use the average.
 *
 * <p>After update {@code t} (counted from 0 over the whole run, resumes included) the average is
 * {@code a ← d·a + (1 − d)·w} with {@code d = min(decay, (1 + t) / (10 + t))}: early in a run, when
 * the weights move fast, the average follows them closely, and from about {@code 10 / (1 − decay)}
 * updates on it spans about {@code 1 / (1 − decay)} steps. Until then the warm-up's decay {@code 1
 * − 9 / (10 + t)} sets it, an average over about the last ninth of the steps so far: for a decay of
 * 0.998 the first 4,490 updates, for 0.999 the first 8,990. Every parameter is averaged,
 * BatchNorm's running mean and variance included, so the average carries statistics that match its
 * weights as closely as the training network's own running statistics match its weights.
 */
final class WeightAverage implements AutoCloseable {

    private final KeypointModel average;
    private final List<NDArray> weights = new ArrayList<>();
    private final List<NDArray> averaged = new ArrayList<>();
    private final float decay;
    private final Trainer trainer;
    private long updates;

    /**
     * Starts an average.
     *
     * @param spec the run's model spec
     * @param training the training network, initialised
     * @param start the bytes the average starts from ({@link KeypointBlock#saveParameters})
     * @param decay the decay, in (0, 1)
     * @param updates the number of updates already made (a resumed run's steps so far)
     * @param engine the engine name
     * @param devices the run's devices; the average lives on the first
     * @param loss the loss its validation trainer reports
     * @throws IOException if the bytes do not fit the network
     */
    WeightAverage(
            ModelSpec spec,
            KeypointBlock training,
            byte[] start,
            float decay,
            long updates,
            String engine,
            Device[] devices,
            Loss loss)
            throws IOException {
        this.decay = decay;
        this.updates = updates;
        this.average = KeypointModel.fromParameters(spec, start, engine, devices[0]);
        try {
            ParameterList own = training.getParameters();
            ParameterList avg = average.block().getParameters();
            if (own.size() != avg.size()) {
                throw new IllegalStateException(
                        "The averaged network has "
                                + avg.size()
                                + " parameters, the training network "
                                + own.size());
            }
            for (int i = 0; i < own.size(); i++) {
                if (!own.keyAt(i).equals(avg.keyAt(i))) {
                    throw new IllegalStateException(
                            "Parameter "
                                    + i
                                    + " is "
                                    + own.keyAt(i)
                                    + " in the training network but "
                                    + avg.keyAt(i)
                                    + " in the averaged one");
                }
                weights.add(own.valueAt(i).getArray());
                averaged.add(avg.valueAt(i).getArray());
            }
            this.trainer =
                    average.model()
                            .newTrainer(
                                    new DefaultTrainingConfig(loss)
                                            .optDevices(new Device[] {devices[0]}));
        } catch (RuntimeException e) {
            average.close();
            throw e;
        }
    }

    /**
     * The decay of update {@code t}: {@code min(decay, (1 + t) / (10 + t))}.
     *
     * @param decay the configured decay
     * @param t the update's index, from 0
     * @return the decay applied
     */
    static float decayAt(float decay, long t) {
        return (float) Math.min(decay, (1.0 + t) / (10.0 + t));
    }

    /**
     * The first update whose decay is the configured one rather than the warm-up's: the least
     * {@code t} with {@code (1 + t) / (10 + t) >= decay}.
     *
     * @param decay the configured decay, in (0, 1)
     * @return the update's index
     */
    static long decayTakesOver(float decay) {
        long t = (long) Math.max(0, Math.floor((10.0 * decay - 1) / (1 - decay)) - 1);
        while (decayAt(1f, t) < decay) {
            t++;
        }
        return t;
    }

    /** Moves the average one step towards the training network's current weights. */
    void update() {
        float keep = decayAt(decay, updates);
        float take = 1f - keep;
        for (int i = 0; i < weights.size(); i++) {
            NDArray a = averaged.get(i);
            // a += (1 - d)(w - a), the temporary closed at once: it belongs to the training
            // network's memory, which lives as long as the run.
            try (NDArray step = weights.get(i).sub(a)) {
                a.addi(step.muli(take));
            }
        }
        updates++;
    }

    /**
     * Returns the number of updates made, resumes included.
     *
     * @return the count
     */
    long updates() {
        return updates;
    }

    /**
     * Returns the averaged network.
     *
     * @return its block
     */
    KeypointBlock block() {
        return average.block();
    }

    /**
     * Returns a trainer over the averaged network, for its validation passes.
     *
     * @return the trainer
     */
    Trainer trainer() {
        return trainer;
    }

    /**
     * Returns the average as parameter bytes ({@link KeypointBlock#saveParameters}).
     *
     * @return the bytes
     * @throws IOException if serialising fails
     */
    byte[] parameters() throws IOException {
        return TrainingRun.parametersOf(average.block());
    }

    @Override
    public void close() {
        try {
            trainer.close();
        } finally {
            average.close();
        }
    }
}
