package dev.trainer4j.api;

import java.util.Arrays;
import java.util.Locale;

/** When to save a checkpoint: HF's {@code SaveStrategy} ({@code best} saves only on a new best metric). */
public enum SaveStrategy {
    NO, STEPS, EPOCH, BEST;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static SaveStrategy parse(String key, String value) {
        for (SaveStrategy strategy : values()) {
            if (strategy.configName().equalsIgnoreCase(value)) {
                return strategy;
            }
        }
        throw new ConfigurationException(key, value, "one of " + Arrays.stream(values()).map(SaveStrategy::configName).toList());
    }
}
