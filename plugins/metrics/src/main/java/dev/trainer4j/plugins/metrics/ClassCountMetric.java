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
    private final ClassCounts counts = new ClassCounts();

    ClassCountMetric(String name) {
        this.name = requireNonNull(name, "name is null");
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final void reset() {
        counts.reset();
    }

    @Override
    public final void update(EvalPrediction batch) {
        requireNonNull(batch, "batch is null");
        counts.addAll(MetricInputs.classIds(name, batch));
    }

    @Override
    public final Map<String, Double> compute() {
        return Map.of(name, counts.samples() == 0 ? Double.NaN : score(counts));
    }

    /** The score of a pass with at least one example. */
    abstract double score(ClassCounts counts);
}
