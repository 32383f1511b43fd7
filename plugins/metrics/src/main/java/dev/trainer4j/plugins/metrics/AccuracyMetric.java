package dev.trainer4j.plugins.metrics;

/** The share of examples whose predicted class equals the label ({@code accuracy}). */
public final class AccuracyMetric extends ClassCountMetric {

    public AccuracyMetric() {
        super("accuracy");
    }

    @Override
    double score(ClassCounts counts) {
        return (double) counts.correct() / counts.samples();
    }
}
