package io.github.keypoints.train;

import io.github.keypoints.data.load.SplitRule;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How a model was trained, as typed values: the data it saw, how it was split, the recipe, the seed
 * and the run's hyper-parameters. {@link KeypointTrainer#fit()} returns it with the model ({@link
 * TrainedModel#provenance()}); the saved model's {@code model.json} records it as text ({@link
 * #toMap()}), where {@code keypoints evaluate} reads the split back.
 *
 * @param data what the training data is (as given to {@link KeypointTrainer.Builder#optDataSource},
 *     else the dataset's class name)
 * @param split how the faces were divided, when the run was told ({@link
 *     KeypointTrainer.Builder#optSplit})
 * @param recipe the recipe, when the trainer came from {@link LandmarkRecipe#trainer}
 * @param seed the run seed (initialisation, data order, augmentation)
 * @param engine the DJL engine name
 * @param epochs the epochs the run was set to
 * @param batchSize the batch size
 * @param loss the loss name
 * @param schedule the learning-rate schedule
 * @param trainingSamples the number of training samples
 * @param validationSamples the number of validation samples
 * @param extra further pairs given with {@link KeypointTrainer.Builder#addMetadata}
 */
public record TrainingProvenance(
        String data,
        Optional<SplitRule> split,
        Optional<LandmarkRecipe> recipe,
        long seed,
        String engine,
        int epochs,
        int batchSize,
        String loss,
        LearningRateSchedule schedule,
        long trainingSamples,
        long validationSamples,
        Map<String, String> extra) {

    /**
     * Checks the values and copies the map.
     *
     * @param data what the training data is
     * @param split how the faces were divided
     * @param recipe the recipe
     * @param seed the run seed
     * @param engine the DJL engine name
     * @param epochs the epochs the run was set to
     * @param batchSize the batch size
     * @param loss the loss name
     * @param schedule the learning-rate schedule
     * @param trainingSamples the number of training samples
     * @param validationSamples the number of validation samples
     * @param extra further pairs
     */
    public TrainingProvenance {
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(split, "split");
        Objects.requireNonNull(recipe, "recipe");
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(loss, "loss");
        Objects.requireNonNull(schedule, "schedule");
        extra = Map.copyOf(extra);
    }

    /**
     * Returns the provenance as the text pairs a saved model records: the {@code extra} pairs, then
     * {@code data}, {@code split} ({@link SplitRule#PROVENANCE_KEY}, when known), {@code recipe}
     * (when known), {@code seed}, {@code engine}, {@code epochs}, {@code batch_size}, {@code loss},
     * {@code schedule}, {@code train_samples} and {@code val_samples}.
     *
     * @return an ordered, modifiable copy
     */
    public Map<String, String> toMap() {
        Map<String, String> m = new LinkedHashMap<>(extra);
        m.put("data", data);
        split.ifPresent(s -> m.put(SplitRule.PROVENANCE_KEY, s.toString()));
        recipe.ifPresent(r -> m.put("recipe", r.toString()));
        m.put("seed", Long.toString(seed));
        m.put("engine", engine);
        m.put("epochs", Integer.toString(epochs));
        m.put("batch_size", Integer.toString(batchSize));
        m.put("loss", loss);
        m.put("schedule", schedule.toString());
        m.put("train_samples", Long.toString(trainingSamples));
        m.put("val_samples", Long.toString(validationSamples));
        return m;
    }
}
