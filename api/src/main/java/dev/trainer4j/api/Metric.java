package dev.trainer4j.api;

import java.util.Map;
import java.util.Set;

/**
 * A streaming metric: {@link #reset()} before a pass, {@link #update(EvalPrediction)} once per batch, then
 * {@link #compute()}. Memory stays bounded whatever the size of the evaluation set. The keys returned by
 * {@code compute} get the {@code eval_} / {@code test_} prefix (and {@code eval_<name>_} for named eval sets).
 *
 * <p>One instance serves one pass at a time; the trainer calls it from a single thread.
 */
public interface Metric {

    /** The metric's name, e.g. {@code accuracy}; also the key of a single-valued result. */
    String name();

    /** Forgets every update: called before each evaluation or prediction pass. */
    void reset();

    /** Adds one batch's predictions and labels; keeps bounded state, never the predictions. */
    void update(EvalPrediction batch);

    /** The result(s), e.g. {@code {accuracy=0.97}} or {@code {precision=.., recall=..}}. */
    Map<String, Double> compute();

    /**
     * The keys {@link #compute()} returns, known before any evaluation so that a run can check
     * {@code metric-for-best-model} before training. A metric with several results overrides it.
     */
    default Set<String> keys() {
        return Set.of(name());
    }
}
