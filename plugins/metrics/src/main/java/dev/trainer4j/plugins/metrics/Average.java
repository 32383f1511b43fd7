package dev.trainer4j.plugins.metrics;

import dev.trainer4j.api.ConfigurationException;

import java.util.Locale;

/** How precision, recall and F1 combine the classes, as scikit-learn's {@code average} argument. */
public enum Average {
    /** The score of the positive class ({@code pos-label}) only; at most two classes may occur. */
    BINARY,
    /** One score from the true positives, false positives and false negatives summed over all classes. */
    MICRO,
    /** The unweighted mean of the per-class scores over the classes present in labels or predictions. */
    MACRO,
    /** The mean of the per-class scores weighted by each class's number of true examples (its support). */
    WEIGHTED;

    /** Parses a config value such as {@code macro}; the error names {@code key}. */
    public static Average parse(String key, String value) {
        for (Average average : values()) {
            if (average.name().toLowerCase(Locale.ROOT).equals(value.trim().toLowerCase(Locale.ROOT))) {
                return average;
            }
        }
        throw new ConfigurationException(key, value, "one of binary, micro, macro, weighted");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
