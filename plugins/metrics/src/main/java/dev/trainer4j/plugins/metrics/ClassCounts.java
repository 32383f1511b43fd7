package dev.trainer4j.plugins.metrics;

import dev.trainer4j.api.DataException;

import java.util.Arrays;

/**
 * Per-class counters of a classification pass, weighted by sample weight: for each class, the weight of the examples
 * it was the label of, was predicted for, and both. Memory grows with the number of classes only, never with the
 * number of examples. Together these hold everything accuracy, Hamming loss, precision, recall, F-scores and the
 * Matthews correlation need from a confusion matrix (its diagonal, row sums and column sums).
 *
 * <p>Multilabel indicators count per label column instead (a column's true positives, predicted and true weight),
 * plus the weight of the rows predicted exactly (subset accuracy) and of the wrong indicators (Hamming loss). One pass
 * holds either single-label or multilabel batches with a fixed number of columns, not both.
 */
final class ClassCounts {
    private double[] truePositives = new double[0];
    private double[] predicted = new double[0];
    private double[] actual = new double[0];
    private boolean[] present = new boolean[0];
    private double weight;
    private double correct;
    private double wrong;
    private long examples;
    private int columns = -1;

    void reset() {
        truePositives = new double[0];
        predicted = new double[0];
        actual = new double[0];
        present = new boolean[0];
        weight = 0;
        correct = 0;
        wrong = 0;
        examples = 0;
        columns = -1;
    }

    /** Adds a batch; single-label elements labelled {@link MetricInputs#IGNORED_LABEL} are skipped. */
    void add(String metric, MetricInputs.ClassificationBatch batch) {
        if (batch instanceof MetricInputs.ClassIds ids) {
            checkMode(metric, 0);
            for (int element = 0; element < ids.actual().length; element++) {
                add(ids.actual()[element], ids.predicted()[element], ids.weight(element));
            }
        } else if (batch instanceof MetricInputs.Indicators indicators) {
            checkMode(metric, indicators.columns());
            ensureCapacity(indicators.columns());
            Arrays.fill(present, true);
            for (int row = 0; row < indicators.rows(); row++) {
                addRow(indicators, row);
            }
        }
    }

    private void add(int actualClass, int predictedClass, double exampleWeight) {
        if (actualClass == MetricInputs.IGNORED_LABEL) {
            return;
        }
        ensureCapacity(Math.max(actualClass, predictedClass) + 1);
        actual[actualClass] += exampleWeight;
        predicted[predictedClass] += exampleWeight;
        present[actualClass] = true;
        present[predictedClass] = true;
        if (actualClass == predictedClass) {
            truePositives[actualClass] += exampleWeight;
            correct += exampleWeight;
        } else {
            wrong += exampleWeight;
        }
        weight += exampleWeight;
        examples++;
    }

    private void addRow(MetricInputs.Indicators indicators, int row) {
        double rowWeight = indicators.weight(row);
        int offset = row * indicators.columns();
        int mismatches = 0;
        for (int column = 0; column < indicators.columns(); column++) {
            boolean isTrue = indicators.actual()[offset + column] == 1;
            boolean isPredicted = indicators.predicted()[offset + column] == 1;
            if (isTrue) {
                actual[column] += rowWeight;
            }
            if (isPredicted) {
                predicted[column] += rowWeight;
            }
            if (isTrue && isPredicted) {
                truePositives[column] += rowWeight;
            }
            if (isTrue != isPredicted) {
                mismatches++;
            }
        }
        if (mismatches == 0) {
            correct += rowWeight;
        }
        wrong += rowWeight * mismatches;
        weight += rowWeight;
        examples++;
    }

    private void checkMode(String metric, int batchColumns) {
        if (columns == -1) {
            columns = batchColumns;
        } else if (columns != batchColumns) {
            throw new DataException(metric + ": this batch holds " + describe(batchColumns) + " but the earlier"
                    + " batches of the pass held " + describe(columns) + "; expected the same kind of labels in"
                    + " every batch");
        }
    }

    private static String describe(int columns) {
        return columns == 0 ? "class ids (one class per example)" : "multilabel indicators with " + columns + " columns";
    }

    /** Number of examples (rows for multilabel) counted, whatever their weight. */
    long samples() {
        return examples;
    }

    /** The summed sample weight of the examples (rows). */
    double weight() {
        return weight;
    }

    /** True when the pass held multilabel indicators. */
    boolean isMultilabel() {
        return columns > 0;
    }

    /** The number of label columns of a multilabel pass; 0 otherwise. */
    int columns() {
        return Math.max(columns, 0);
    }

    /** An exclusive upper bound of the class ids (or the label columns); ids below it may still be absent. */
    int classes() {
        return actual.length;
    }

    double truePositives(int label) {
        return label < truePositives.length ? truePositives[label] : 0;
    }

    double falsePositives(int label) {
        return label < predicted.length ? predicted[label] - truePositives[label] : 0;
    }

    double falseNegatives(int label) {
        return label < actual.length ? actual[label] - truePositives[label] : 0;
    }

    /** The weight of the examples whose label is {@code label} (or with label column {@code label} set). */
    double support(int label) {
        return label < actual.length ? actual[label] : 0;
    }

    double predictedCount(int label) {
        return label < predicted.length ? predicted[label] : 0;
    }

    /**
     * True when the class occurs among the labels or the predictions, whatever the weight (scikit-learn's
     * {@code unique_labels}); every column of a multilabel pass is present.
     */
    boolean isPresent(int label) {
        return label < present.length && present[label];
    }

    /** The weight of the examples predicted exactly (every label of a multilabel row). */
    double correct() {
        return correct;
    }

    /** The weight of the wrong predictions: examples for class ids, label indicators for multilabel rows. */
    double wrong() {
        return wrong;
    }

    private void ensureCapacity(int classes) {
        if (classes > actual.length) {
            int capacity = columns > 0 ? classes : Math.max(classes, actual.length * 2);
            truePositives = Arrays.copyOf(truePositives, capacity);
            predicted = Arrays.copyOf(predicted, capacity);
            actual = Arrays.copyOf(actual, capacity);
            present = Arrays.copyOf(present, capacity);
        }
    }
}
