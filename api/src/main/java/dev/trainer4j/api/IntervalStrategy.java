package dev.trainer4j.api;

import java.util.Arrays;
import java.util.Locale;

/** When to log or evaluate: HF's {@code IntervalStrategy}. */
public enum IntervalStrategy {
    NO, STEPS, EPOCH;

    /** The config spelling: {@code no}, {@code steps}, {@code epoch}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a config value; the error names the key, the value and the choices. */
    public static IntervalStrategy parse(String key, String value) {
        for (IntervalStrategy strategy : values()) {
            if (strategy.configName().equalsIgnoreCase(value)) {
                return strategy;
            }
        }
        throw new ConfigurationException(key, value, "one of " + Arrays.stream(values()).map(IntervalStrategy::configName).toList());
    }
}
