package dev.trainer4j.plugins.metrics;

import dev.trainer4j.api.DataException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A dense confusion matrix of sample weights, rows the true class, columns the predicted class, grown as class ids
 * appear. Memory is classes² doubles, so it refuses class ids of {@value #MAX_CLASSES} or more (8 MiB at most).
 */
final class ConfusionCounts {
    /** The number of classes a confusion matrix keeps at most. */
    static final int MAX_CLASSES = 1024;

    private double[][] cells = new double[0][0];
    private boolean[] present = new boolean[0];
    private long examples;

    void reset() {
        cells = new double[0][0];
        present = new boolean[0];
        examples = 0;
    }

    /** Adds a batch of class ids; elements labelled {@link MetricInputs#IGNORED_LABEL} are skipped. */
    void add(String metric, MetricInputs.ClassIds ids) {
        for (int element = 0; element < ids.actual().length; element++) {
            int actual = ids.actual()[element];
            if (actual == MetricInputs.IGNORED_LABEL) {
                continue;
            }
            int predicted = ids.predicted()[element];
            int largest = Math.max(actual, predicted);
            if (largest >= MAX_CLASSES) {
                throw new DataException(metric + ": class " + largest + " at element " + element + " is beyond the "
                        + MAX_CLASSES + " classes a confusion matrix keeps; expected class ids < " + MAX_CLASSES);
            }
            ensureCapacity(largest + 1);
            cells[actual][predicted] += ids.weight(element);
            present[actual] = true;
            present[predicted] = true;
            examples++;
        }
    }

    long samples() {
        return examples;
    }

    /** The classes present among the labels or predictions (whatever their weight), ascending. */
    List<Integer> presentClasses() {
        List<Integer> classes = new ArrayList<>();
        for (int label = 0; label < present.length; label++) {
            if (present[label]) {
                classes.add(label);
            }
        }
        return classes;
    }

    /** The weight of examples of class {@code actual} predicted as {@code predicted}. */
    double cell(int actual, int predicted) {
        return actual < cells.length && predicted < cells.length ? cells[actual][predicted] : 0.0;
    }

    /** The matrix restricted to {@code classes} (rows and columns in that order), as scikit-learn's {@code labels}. */
    double[][] matrix(List<Integer> classes) {
        double[][] matrix = new double[classes.size()][classes.size()];
        for (int row = 0; row < classes.size(); row++) {
            for (int column = 0; column < classes.size(); column++) {
                matrix[row][column] = cell(classes.get(row), classes.get(column));
            }
        }
        return matrix;
    }

    /** The row sums (true classes), column sums (predicted classes) and total of a square matrix. */
    record Margins(double[] rows, double[] columns, double total) {
        static Margins of(double[][] matrix) {
            int size = matrix.length;
            double[] rows = new double[size];
            double[] columns = new double[size];
            double total = 0;
            for (int row = 0; row < size; row++) {
                for (int column = 0; column < size; column++) {
                    rows[row] += matrix[row][column];
                    columns[column] += matrix[row][column];
                    total += matrix[row][column];
                }
            }
            return new Margins(rows, columns, total);
        }
    }

    private void ensureCapacity(int classes) {
        if (classes > cells.length) {
            int capacity = Math.min(MAX_CLASSES, Math.max(classes, cells.length * 2));
            double[][] grown = new double[capacity][];
            for (int row = 0; row < capacity; row++) {
                grown[row] = row < cells.length ? Arrays.copyOf(cells[row], capacity) : new double[capacity];
            }
            cells = grown;
            present = Arrays.copyOf(present, capacity);
        }
    }
}
