package dev.trainer4j.plugins.metrics;

import java.util.Locale;

/** How per-class scores combine, as scikit-learn's {@code average} argument. */
public enum Average {
    /** No average: one result per class, keyed {@code <metric>_<class>} (scikit-learn's {@code average=None}). */
    NONE,
    /** The score of the positive class ({@code pos-label}) only; at most two classes may occur, not multilabel. */
    BINARY,
    /** One score from the true positives, false positives and false negatives summed over the classes. */
    MICRO,
    /** The unweighted mean of the per-class scores. */
    MACRO,
    /** The mean of the per-class scores weighted by each class's (weighted) number of true examples, its support. */
    WEIGHTED,
    /** Multilabel only: the score of each example's label set, averaged over the examples (weighted by sample weight). */
    SAMPLES;

    /** Parses a config value such as {@code macro}; the error names {@code key}. */
    public static Average parse(String key, String value) {
        return SettingsReader.choice(key, value, values());
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
