package dev.trainer4j.plugins.metrics;

/**
 * The (sample-weighted) share of wrong labels ({@code hamming-loss}, scikit-learn's {@code hamming_loss}): for class
 * ids the share of wrongly predicted examples (1 − accuracy); for multilabel indicators [N, L] the share of wrong
 * indicators, Σ w·(wrong labels of the row) / (L · Σ w).
 */
public final class HammingLossMetric extends ClassCountMetric {

    public HammingLossMetric(InputSettings inputs) {
        super("hamming-loss", inputs, true);
    }

    @Override
    double score(ClassCounts counts) {
        return counts.wrong() / (counts.weight() * Math.max(counts.columns(), 1));
    }
}
