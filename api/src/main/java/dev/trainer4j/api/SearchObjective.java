package dev.trainer4j.api;

import java.util.Map;
import java.util.TreeSet;

/**
 * HF's {@code compute_objective}: the number a hyperparameter search optimises, computed from a trial's eval metrics
 * (each intermediate evaluation, for pruning, and the final one).
 */
@FunctionalInterface
public interface SearchObjective {
    /** The default objective: the final eval loss ({@code eval_loss}). */
    SearchObjective EVAL_LOSS = metric("eval_loss");

    /** The objective of one evaluation, from its metrics (keys with the {@code eval_} prefix). */
    double compute(Map<String, Double> evalMetrics);

    /**
     * One metric by its key (e.g. {@code eval_accuracy}); a missing key is an error naming the keys present.
     */
    static SearchObjective metric(String key) {
        return metrics -> {
            Double value = metrics.get(key);
            if (value == null) {
                throw new ConfigurationException("search.objective", "search.objective: the eval metrics have no '" + key
                        + "'; they have " + new TreeSet<>(metrics.keySet()));
            }
            return value;
        };
    }
}
