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

    /**
     * HF's {@code compute_metrics(eval_pred, compute_result)} with {@code batch-eval-metrics = true}: called once per
     * batch, in order, so memory stays bounded; the function accumulates what it needs.
     *
     * @param batch the predictions and labels of one batch
     * @param computeResult true for the pass's last batch: return the metrics of the whole pass then
     * @return the metrics when {@code computeResult}, else ignored (may be empty)
     * @throws ConfigurationException by default: a function used with {@code batch-eval-metrics} must override this
     */
    default Map<String, Double> computeBatch(EvalPrediction batch, boolean computeResult) {
        throw new ConfigurationException("batch-eval-metrics", "batch-eval-metrics = true needs a compute-metrics"
                + " function that implements ComputeMetrics.computeBatch(batch, computeResult); " + getClass().getName()
                + " implements only compute(all)");
    }
}
