package dev.trainer4j.api;

import java.util.Map;

/**
 * The learning rate of each optimizer step, computed on the host and fed to the backend per step (HF's LR
 * scheduler). {@code step} counts the updates already taken: step 0 is the first update.
 */
public interface LearningRateSchedule {

    /** The learning rate for the update at {@code step}. */
    double learningRate(long step);

    /** Called after each evaluation with the {@code metric-for-best-model} value (for reduce-on-plateau). */
    default void onEvaluate(double metric) {
    }

    /** State that must survive a resume (e.g. the plateau's best value and counters); empty for pure schedules. */
    default Map<String, Object> exportState() {
        return Map.of();
    }

    /** Restores what {@link #exportState()} returned. */
    default void importState(Map<String, Object> state) {
    }
}
