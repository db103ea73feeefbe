package io.github.keypoints.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.Trainer;
import io.github.keypoints.data.LandmarkDataset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The validation-metrics side job: from every validation batch's predictions it accumulates the
 * landmark errors in original-image pixels ({@link LandmarkErrors}: mean point error, MAE, NME by
 * the scheme's normaliser points), which become the epoch's {@link EpochRecord} figures and the
 * {@link TrainedModel#validation()} result. Without it a run still reports its validation loss; the
 * pixel figures are then {@code NaN}.
 */
public final class ValidationMetrics implements KeypointTrainingListener {

    private LandmarkDataset data;
    private LandmarkErrors errors;

    /** Creates the job. */
    public ValidationMetrics() {}

    /** Starts a validation pass over {@code data}. */
    void begin(LandmarkDataset data) {
        this.data = data;
        this.errors = new LandmarkErrors(data.scheme());
    }

    /** The pass's result. */
    EvaluationResult result() {
        if (errors == null) {
            throw new IllegalStateException("no validation pass has begun");
        }
        return errors.result();
    }

    @Override
    public void onValidationBatch(Trainer trainer, BatchData batchData) {
        if (errors == null) {
            return;
        }
        List<?> indices = batchData.getBatch().getIndices();
        int offset = 0;
        for (Map.Entry<Device, NDList> e : batchData.getPredictions().entrySet()) {
            NDArray p = e.getValue().singletonOrThrow();
            float[] flat = p.toType(DataType.FLOAT32, false).toFloatArray();
            int n = (int) p.getShape().get(0);
            int width = flat.length / n;
            for (int i = 0; i < n; i++) {
                errors.addRelative(
                        data,
                        ((Number) indices.get(offset + i)).intValue(),
                        Arrays.copyOfRange(flat, i * width, (i + 1) * width));
            }
            offset += n;
        }
    }
}
