package dev.trainer4j.plugins.metrics;

import dev.trainer4j.api.DataException;
import dev.trainer4j.api.DataType;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.HostTensor;

import java.util.Arrays;

/**
 * The per-example scores of a probability or ranking metric: labels {@code [N]} (a trailing 1 ignored) with
 * predictions {@code [N]} / {@code [N, 1]} (one column: the positive class) or {@code [N, C]}, C >= 2 (one column per
 * class), converted as {@link ScoreInputs} says: softmax over the classes (in double precision, shifted by the row
 * maximum) or sigmoid for one column when they are logits.
 *
 * @param scores row-major {@code [rows, columns]}
 * @param labels the label of each row ({@value MetricInputs#IGNORED_LABEL}: ignored)
 * @param columns 1 for a single column, else the classes
 * @param weights one per row, or null
 * @param dataType the predictions' type (log loss clips by its machine epsilon)
 */
record Probabilities(double[] scores, int[] labels, int rows, int columns, double[] weights, DataType dataType) {

    double weight(int row) {
        return weights == null ? 1.0 : weights[row];
    }

    double score(int row, int column) {
        return scores[row * columns + column];
    }

    /**
     * Reads a batch. {@code convert} false keeps the raw values (ranking by a single column or by multilabel
     * columns does not change under a monotone sigmoid, which could only merge values that round to 1).
     */
    static Probabilities read(String metric, EvalPrediction batch, ScoreInputs inputs, String weightColumn,
            boolean convertSingleColumn) {
        HostTensor labels = MetricInputs.labels(metric, batch, weightColumn);
        HostTensor predictions = batch.primaryPrediction();
        long[] labelShape = MetricInputs.withoutTrailingOne(labels.shape());
        long[] predictionShape = predictions.shape();
        boolean singleColumn = Arrays.equals(MetricInputs.withoutTrailingOne(predictionShape), labelShape);
        boolean classColumns = predictionShape.length == 2 && predictionShape[1] >= 2
                && labelShape.length == 1 && labelShape[0] == predictionShape[0];
        if (labelShape.length != 1 || !predictions.dataType().isFloating() || !(singleColumn || classColumns)) {
            throw MetricInputs.shapeMismatch(metric, predictions, labels, "labels [N] with floating predictions [N]"
                    + " or [N, 1] (the positive class) or [N, C], C >= 2 (one column per class)");
        }
        int rows = Math.toIntExact(labelShape[0]);
        int columns = singleColumn ? 1 : Math.toIntExact(predictionShape[1]);
        int[] ids = MetricInputs.labelIds(metric, labels);
        double[] scores = new double[rows * columns];
        for (int row = 0; row < rows; row++) {
            int offset = row * columns;
            if (columns == 1) {
                double value = predictions.getDouble(row);
                scores[row] = inputs == ScoreInputs.LOGITS && convertSingleColumn ? 1 / (1 + Math.exp(-value)) : value;
            } else if (inputs == ScoreInputs.LOGITS) {
                softmax(predictions, offset, columns, scores);
            } else {
                for (int column = 0; column < columns; column++) {
                    scores[offset + column] = predictions.getDouble(offset + column);
                }
            }
            for (int column = 0; column < columns; column++) {
                if (!Double.isFinite(scores[offset + column])) {
                    throw new DataException(metric + ": prediction " + scores[offset + column] + " at row " + row
                            + " of " + predictions + " is not finite; expected finite scores");
                }
            }
        }
        double[] weights = weightColumn.isEmpty() ? null
                : MetricInputs.weights(metric, batch, weightColumn, labelShape, rows);
        return new Probabilities(scores, ids, rows, columns, weights, predictions.dataType());
    }

    private static void softmax(HostTensor logits, int offset, int columns, double[] into) {
        double maximum = Double.NEGATIVE_INFINITY;
        for (int column = 0; column < columns; column++) {
            maximum = Math.max(maximum, logits.getDouble(offset + column));
        }
        double sum = 0;
        for (int column = 0; column < columns; column++) {
            double value = Math.exp(logits.getDouble(offset + column) - maximum);
            into[offset + column] = value;
            sum += value;
        }
        for (int column = 0; column < columns; column++) {
            into[offset + column] /= sum;
        }
    }
}
