package io.github.keypoints.train;

/**
 * The figures of one finished epoch.
 *
 * @param epoch the epoch index, from 0
 * @param learningRate the learning rate at the epoch's last step
 * @param trainLoss mean training loss over the epoch's batches (running, with augmentation)
 * @param valLoss validation loss at the end of the epoch
 * @param valMeanPx validation mean point error in original pixels
 * @param valMaePx validation Kaggle-style MAE in original pixels
 * @param valNme validation NME as a fraction, {@code NaN} without normaliser points
 * @param seconds wall-clock seconds of the epoch including validation
 */
public record EpochRecord(
        int epoch,
        double learningRate,
        double trainLoss,
        double valLoss,
        double valMeanPx,
        double valMaePx,
        double valNme,
        double seconds) {

    /** The CSV header matching {@link #toCsv()}. */
    public static final String CSV_HEADER =
            "epoch,learning_rate,train_loss,val_loss,val_mean_px,val_mae_px,val_nme,seconds";

    /**
     * Returns the record as one CSV line (no line break).
     *
     * @return the line
     */
    public String toCsv() {
        return epoch
                + ","
                + learningRate
                + ","
                + trainLoss
                + ","
                + valLoss
                + ","
                + valMeanPx
                + ","
                + valMaePx
                + ","
                + valNme
                + ","
                + seconds;
    }

    /**
     * Parses a line written by {@link #toCsv()}.
     *
     * @param line the CSV line
     * @return the record
     * @throws IllegalArgumentException naming the line if it does not have 8 numeric fields
     */
    public static EpochRecord parseCsv(String line) {
        String[] f = line.split(",");
        if (f.length != 8) {
            throw new IllegalArgumentException(
                    "history line '" + line + "': expected 8 fields, found " + f.length);
        }
        try {
            return new EpochRecord(
                    Integer.parseInt(f[0]),
                    Double.parseDouble(f[1]),
                    Double.parseDouble(f[2]),
                    Double.parseDouble(f[3]),
                    Double.parseDouble(f[4]),
                    Double.parseDouble(f[5]),
                    Double.parseDouble(f[6]),
                    Double.parseDouble(f[7]));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("history line '" + line + "': " + e.getMessage(), e);
        }
    }
}
