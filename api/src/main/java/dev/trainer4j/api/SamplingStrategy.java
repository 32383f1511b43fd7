package dev.trainer4j.api;

import java.util.Arrays;
import java.util.Locale;

/** How the training set is ordered each epoch: HF v5's {@code train_sampling_strategy}. */
public enum SamplingStrategy {
    RANDOM, SEQUENTIAL, GROUP_BY_LENGTH;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SamplingStrategy parse(String key, String value) {
        String normalized = value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
        for (SamplingStrategy strategy : values()) {
            if (strategy.configName().equals(normalized)) {
                return strategy;
            }
        }
        throw new ConfigurationException(key, value, "one of " + Arrays.stream(values()).map(SamplingStrategy::configName).toList());
    }
}
