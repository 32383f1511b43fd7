package dev.trainer4j.plugins.metrics;

import java.util.Arrays;

/**
 * Per-class counters of a classification pass: for each class, how often it was the label, how often it was
 * predicted and how often both. Memory grows with the number of classes only, never with the number of examples.
 * Together these counters hold everything precision, recall, F1 and the Matthews correlation need from a confusion
 * matrix (its diagonal, row sums and column sums).
 */
final class ClassCounts {
    private long[] truePositives = new long[0];
    private long[] predicted = new long[0];
    private long[] actual = new long[0];
    private long samples;

    void reset() {
        truePositives = new long[0];
        predicted = new long[0];
        actual = new long[0];
        samples = 0;
    }

    /** Adds one example; labels equal to {@link MetricInputs#IGNORED_LABEL} are skipped. */
    void add(int actualClass, int predictedClass) {
        if (actualClass == MetricInputs.IGNORED_LABEL) {
            return;
        }
        ensureCapacity(Math.max(actualClass, predictedClass) + 1);
        actual[actualClass]++;
        predicted[predictedClass]++;
        if (actualClass == predictedClass) {
            truePositives[actualClass]++;
        }
        samples++;
    }

    void addAll(MetricInputs.ClassIds batch) {
        for (int element = 0; element < batch.actual().length; element++) {
            add(batch.actual()[element], batch.predicted()[element]);
        }
    }

    long samples() {
        return samples;
    }

    /** An exclusive upper bound of the class ids seen; ids below it may still be absent. */
    int classes() {
        return actual.length;
    }

    long truePositives(int label) {
        return label < truePositives.length ? truePositives[label] : 0;
    }

    long falsePositives(int label) {
        return label < predicted.length ? predicted[label] - truePositives[label] : 0;
    }

    long falseNegatives(int label) {
        return label < actual.length ? actual[label] - truePositives[label] : 0;
    }

    /** Number of examples whose label is {@code label}. */
    long support(int label) {
        return label < actual.length ? actual[label] : 0;
    }

    long predictedCount(int label) {
        return label < predicted.length ? predicted[label] : 0;
    }

    /** True when the class occurs among the labels or the predictions (scikit-learn's {@code unique_labels}). */
    boolean isPresent(int label) {
        return support(label) > 0 || predictedCount(label) > 0;
    }

    long correct() {
        long sum = 0;
        for (long count : truePositives) {
            sum += count;
        }
        return sum;
    }

    private void ensureCapacity(int classes) {
        if (classes > actual.length) {
            int capacity = Math.max(classes, actual.length * 2);
            truePositives = Arrays.copyOf(truePositives, capacity);
            predicted = Arrays.copyOf(predicted, capacity);
            actual = Arrays.copyOf(actual, capacity);
        }
    }
}
