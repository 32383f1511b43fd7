package dev.trainer4j.plugins.metrics;

/**
 * The (sample-weighted) share of examples whose predicted class equals the label ({@code accuracy}); for multilabel
 * indicators the share of rows whose every label is predicted right (subset accuracy, as scikit-learn).
 */
public final class AccuracyMetric extends ClassCountMetric {

    public AccuracyMetric() {
        this(InputSettings.DEFAULT);
    }

    public AccuracyMetric(InputSettings inputs) {
        super("accuracy", inputs, true);
    }

    @Override
    double score(ClassCounts counts) {
        return counts.correct() / counts.weight();
    }
}
