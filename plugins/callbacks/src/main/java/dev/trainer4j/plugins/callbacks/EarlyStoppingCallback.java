package dev.trainer4j.plugins.callbacks;

import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.StatefulCallback;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * HF's {@code EarlyStoppingCallback}: after each evaluation, compares {@code eval_<metric-for-best-model>} with
 * {@code state.bestMetric()} (the best so far; the loop updates it after this callback) and stops training once
 * {@code patience} evaluations in a row brought no improvement larger than {@code threshold}. The counter is saved
 * with each checkpoint, so a resumed run keeps counting.
 */
public final class EarlyStoppingCallback implements StatefulCallback {
    private static final Logger LOG = LoggerFactory.getLogger(EarlyStoppingCallback.class);

    private static final String COUNTER = "early_stopping_patience_counter";

    private final EarlyStoppingSettings settings;
    private int patienceCounter;

    public EarlyStoppingCallback(EarlyStoppingSettings settings) {
        this.settings = requireNonNull(settings, "settings is null");
    }

    public EarlyStoppingSettings settings() {
        return settings;
    }

    /** Evaluations in a row without improvement so far. */
    public int patienceCounter() {
        return patienceCounter;
    }

    @Override
    public void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) {
        if (args.metricForBestModel().isEmpty()) {
            throw new ConfigurationException("metric-for-best-model",
                    "the early-stopping callback needs metric-for-best-model (e.g. loss or accuracy); it is not set");
        }
        if (args.evalStrategy() == IntervalStrategy.NO) {
            throw new ConfigurationException("eval-strategy",
                    "the early-stopping callback needs an eval-strategy of steps or epoch; it is 'no'");
        }
        if (!args.loadBestModelAtEnd()) {
            LOG.warn("early-stopping without load-best-model-at-end: training stops early but the last model is kept, not the best");
        }
    }

    @Override
    public void onEvaluate(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> metrics) {
        String metricName = args.metricForBestModel().orElse(null);
        if (metricName == null) {
            LOG.warn("early-stopping is inactive: metric-for-best-model is not set");
            return;
        }
        String key = metricName.startsWith("eval_") ? metricName : "eval_" + metricName;
        Double value = metrics.get(key);
        if (value == null) {
            LOG.warn("early-stopping needs the metric {} but the evaluation returned only {}; early stopping is skipped",
                    key, metrics.keySet());
            return;
        }
        Double best = state.bestMetric();
        boolean improved = best == null
                || (args.greaterIsBetter() ? value > best : value < best) && Math.abs(value - best) > settings.threshold();
        patienceCounter = improved ? 0 : patienceCounter + 1;
        if (patienceCounter >= settings.patience()) {
            control.setShouldTrainingStop(true);
        }
    }

    @Override
    public String stateKey() {
        return "EarlyStoppingCallback";
    }

    /**
     * The attributes of HF's {@code ExportableState}: {@code {early_stopping_patience_counter: n}}. The loop wraps
     * it as {@code stateful_callbacks.EarlyStoppingCallback = {args: {}, attributes: <this>}}, HF's layout; patience
     * and threshold come from the run's configuration on resume, so they are not stored.
     */
    @Override
    public Map<String, Object> exportState() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put(COUNTER, patienceCounter);
        return state;
    }

    /** Restores {@link #exportState()}; also accepts a whole {@code {args, attributes}} entry. */
    @Override
    public void importState(Map<String, Object> state) {
        requireNonNull(state, "state is null");
        Object attributes = state.containsKey(COUNTER) ? state : state.get("attributes");
        if (attributes instanceof Map<?, ?> map && map.get(COUNTER) instanceof Number counter) {
            patienceCounter = counter.intValue();
            return;
        }
        throw new IllegalArgumentException("EarlyStoppingCallback state has no " + COUNTER + ": " + state);
    }
}
