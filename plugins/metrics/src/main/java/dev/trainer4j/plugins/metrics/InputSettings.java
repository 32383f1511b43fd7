package dev.trainer4j.plugins.metrics;

import com.typesafe.config.Config;
import dev.trainer4j.api.ConfigurationException;

import static java.util.Objects.requireNonNull;

/**
 * How a classification metric reads a batch.
 *
 * @param sampleWeightColumn the label tensor holding sample weights ({@code sample-weight-column}); empty: none
 * @param threshold a floating prediction that is a single logit per example, or a multilabel score, counts as
 *         positive when greater than this ({@code threshold}; 0 for logits, 0.5 for probabilities)
 */
public record InputSettings(String sampleWeightColumn, double threshold) {
    /** No sample weights, threshold 0 (logits). */
    public static final InputSettings DEFAULT = new InputSettings("", 0.0);

    public InputSettings {
        requireNonNull(sampleWeightColumn, "sampleWeightColumn is null");
        if (!Double.isFinite(threshold)) {
            throw new ConfigurationException("threshold", threshold, "a finite number");
        }
    }

    /** Reads {@code sample-weight-column} and {@code threshold} (defaults merged in). */
    public static InputSettings from(Config settings) {
        requireNonNull(settings, "settings is null");
        return new InputSettings(SettingsReader.string(settings, "sample-weight-column").trim(),
                SettingsReader.number(settings, "threshold"));
    }

    /** Reads {@code sample-weight-column} only, for metrics without a threshold. */
    static String weightColumn(Config settings) {
        return SettingsReader.string(settings, "sample-weight-column").trim();
    }
}
