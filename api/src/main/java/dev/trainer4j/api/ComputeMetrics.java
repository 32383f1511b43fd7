package dev.trainer4j.api;

import java.util.Map;

/**
 * HF's {@code compute_metrics}: a plain function of all predictions and labels of a pass, concatenated.
 * Prefer a streaming {@link Metric} for large sets; this one keeps every prediction in memory.
 */
@FunctionalInterface
public interface ComputeMetrics {

    Map<String, Double> compute(EvalPrediction all);
}
