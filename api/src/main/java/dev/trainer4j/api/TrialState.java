package dev.trainer4j.api;

import java.util.Locale;

/** How a trial of a hyperparameter search ended. */
public enum TrialState {
    /** Trained to the end; its objective is the final evaluation's. */
    COMPLETE,
    /** Stopped early by the pruner; its objective is the last intermediate evaluation's. */
    PRUNED,
    /** Raised an error or ended with a non-finite objective; the message says which. */
    FAILED;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static TrialState parse(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }
}
