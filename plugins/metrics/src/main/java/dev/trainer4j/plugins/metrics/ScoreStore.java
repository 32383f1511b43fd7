package dev.trainer4j.plugins.metrics;

import dev.trainer4j.api.DataException;

import java.util.Arrays;

/**
 * Every score of a pass, kept for an exact ranking metric: {@code columns} doubles per example, its truth (a class id
 * or {@code columns} 0/1 indicators) and its weight. Holds at most {@code maxScores} scores (examples × columns, 8
 * bytes each plus the truth); one more is refused with an error naming {@code max-stored-scores}.
 */
final class ScoreStore {
    private final String metric;
    private final int maxScores;
    private double[] scores = new double[0];
    private int[] truth = new int[0];
    private double[] weights = new double[0];
    private int rows;
    private int columns = -1;
    private boolean multilabel;

    ScoreStore(String metric, int maxScores) {
        this.metric = metric;
        this.maxScores = maxScores;
    }

    void reset() {
        scores = new double[0];
        truth = new int[0];
        weights = new double[0];
        rows = 0;
        columns = -1;
    }

    /**
     * Adds one example.
     *
     * @param rowScores its {@code columns} scores
     * @param rowTruth its class id (one value) or its {@code columns} indicators
     */
    void add(double[] rowScores, int[] rowTruth, boolean rowIsMultilabel, double weight) {
        if (columns == -1) {
            columns = rowScores.length;
            multilabel = rowIsMultilabel;
        } else if (columns != rowScores.length || multilabel != rowIsMultilabel) {
            throw new DataException(metric + ": a batch has " + rowScores.length + " score column(s)"
                    + (rowIsMultilabel ? " of multilabel indicators" : "") + " but the earlier batches of the pass"
                    + " had " + columns + (multilabel ? " of multilabel indicators" : "") + "; expected the same"
                    + " shape in every batch");
        }
        long needed = (long) (rows + 1) * columns;
        if (needed > maxScores) {
            throw new DataException(metric + ": the evaluation holds more than max-stored-scores = " + maxScores
                    + " scores (examples x score columns); " + metric + " keeps every score for an exact result."
                    + " Raise max-stored-scores (8 bytes per score plus the labels) or evaluate on fewer examples");
        }
        int truthWidth = multilabel ? columns : 1;
        if (needed > scores.length) {
            int capacityRows = Math.max(rows + 1, Math.min(maxScores / Math.max(columns, 1), Math.max(16, rows * 2)));
            scores = Arrays.copyOf(scores, capacityRows * columns);
            truth = Arrays.copyOf(truth, capacityRows * truthWidth);
            weights = Arrays.copyOf(weights, capacityRows);
        }
        System.arraycopy(rowScores, 0, scores, rows * columns, columns);
        System.arraycopy(rowTruth, 0, truth, rows * truthWidth, truthWidth);
        weights[rows] = weight;
        rows++;
    }

    int rows() {
        return rows;
    }

    int columns() {
        return Math.max(columns, 0);
    }

    boolean isMultilabel() {
        return multilabel;
    }

    double weight(int row) {
        return weights[row];
    }

    double score(int row, int column) {
        return scores[row * columns + column];
    }

    /** Whether example {@code row} is positive for column {@code column} (its class, or its indicator). */
    boolean isPositive(int row, int column) {
        return multilabel ? truth[row * columns + column] == 1 : truth[row] == column;
    }

    /** The class id of example {@code row} (single-label passes). */
    int label(int row) {
        return truth[row];
    }
}
