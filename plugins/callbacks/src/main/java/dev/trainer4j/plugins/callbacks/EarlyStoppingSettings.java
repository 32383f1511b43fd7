package dev.trainer4j.plugins.callbacks;

import com.typesafe.config.Config;
import dev.trainer4j.api.ConfigurationException;

import java.util.Set;

/**
 * HF's {@code EarlyStoppingCallback} arguments.
 *
 * @param patience evaluations without improvement before training stops (at least 1)
 * @param threshold how much better than the best a metric must be to count as an improvement (at least 0)
 */
public record EarlyStoppingSettings(int patience, double threshold) {
    static final String NAME = "early-stopping";

    public EarlyStoppingSettings {
        if (patience < 1) {
            throw new ConfigurationException(NAME + ".early-stopping-patience", patience, "an integer >= 1");
        }
        if (!(threshold >= 0) || Double.isInfinite(threshold)) {
            throw new ConfigurationException(NAME + ".early-stopping-threshold", threshold, "a number >= 0");
        }
    }

    /** Reads {@code early-stopping-patience} / {@code early-stopping-threshold}; {@code patience} / {@code threshold} win when given. */
    public static EarlyStoppingSettings fromConfig(Config config) {
        SettingsReader reader = new SettingsReader(NAME, config,
                Set.of("early-stopping-patience", "early-stopping-threshold", "patience", "threshold"));
        String patienceKey = reader.has("patience") ? "patience" : "early-stopping-patience";
        String thresholdKey = reader.has("threshold") ? "threshold" : "early-stopping-threshold";
        long patience = reader.integer(patienceKey);
        if (patience < 1 || patience > Integer.MAX_VALUE) {
            throw reader.invalid(patienceKey, "an integer >= 1");
        }
        return new EarlyStoppingSettings((int) patience, reader.number(thresholdKey));
    }
}
