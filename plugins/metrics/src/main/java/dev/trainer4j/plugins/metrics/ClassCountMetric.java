package dev.trainer4j.plugins.metrics;

import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.Metric;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A classification metric computed from {@link ClassCounts}: updates only count, so memory stays bounded by the
 * number of classes. A pass without any (non-ignored) label gives {@code NaN}.
 */
abstract class ClassCountMetric implements Metric {
    private final String name;
    private final InputSettings inputs;
    private final boolean multilabel;
    private final ClassCounts counts = new ClassCounts();

    /**
     * @param inputs sample weights and threshold
     * @param multilabel whether multilabel indicators are scored (else refused)
     */
    ClassCountMetric(String name, InputSettings inputs, boolean multilabel) {
        this.name = requireNonNull(name, "name is null");
        this.inputs = requireNonNull(inputs, "inputs is null");
        this.multilabel = multilabel;
    }

    @Override
    public final String name() {
        return name;
    }

    public final InputSettings inputs() {
        return inputs;
    }

    @Override
    public final void reset() {
        counts.reset();
        resetRows();
    }

    @Override
    public final void update(EvalPrediction batch) {
        requireNonNull(batch, "batch is null");
        MetricInputs.ClassificationBatch classification = MetricInputs.classification(name, batch, inputs, multilabel);
        counts.add(name, classification);
        if (classification instanceof MetricInputs.Indicators indicators) {
            addRows(indicators);
        }
    }

    @Override
    public final Map<String, Double> compute() {
        return counts.samples() == 0 ? emptyResult() : scores(counts);
    }

    /** The result of a pass with at least one example: by default {@link #score} under the metric's name. */
    Map<String, Double> scores(ClassCounts counts) {
        return Map.of(name, score(counts));
    }

    /** The result of a pass without examples: NaN under the metric's name. */
    Map<String, Double> emptyResult() {
        return Map.of(name, Double.NaN);
    }

    /** The single score of a pass with at least one example. */
    abstract double score(ClassCounts counts);

    /** Sees each multilabel batch's rows (for per-example averages); nothing by default. */
    void addRows(MetricInputs.Indicators indicators) {
    }

    /** Forgets what {@link #addRows} kept. */
    void resetRows() {
    }
}
