package dev.trainer4j.plugins.metrics;

import java.util.Locale;

/**
 * What the predictions of a probability or ranking metric hold ({@code inputs}): {@code logits} (the model's raw
 * outputs; softmax over a class axis of 2 or more, sigmoid for a single column) or {@code probabilities} (used as
 * they are).
 */
public enum ScoreInputs {
    LOGITS, PROBABILITIES;

    static ScoreInputs parse(String key, String value) {
        return SettingsReader.choice(key, value, values());
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
