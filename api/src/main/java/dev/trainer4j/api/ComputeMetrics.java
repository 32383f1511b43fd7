package dev.trainer4j.api;

import java.util.Map;

/**
 * HF's {@code compute_metrics}: a plain function of all predictions and labels of a pass, concatenated.
 * Prefer a streaming {@link Metric} for large sets; this one keeps every prediction in memory.
 */
@FunctionalInterface
public interface ComputeMetrics {

    /**
     * Computes the metrics of a whole pass.
     *
     * @param all every prediction and label of the pass, concatenated
     * @return metric names to values; the trainer adds the {@code eval_} / {@code test_} prefix
     */
    Map<String, Double> compute(EvalPrediction all);
}
