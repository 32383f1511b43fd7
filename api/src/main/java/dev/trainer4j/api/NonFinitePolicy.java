package dev.trainer4j.api;

import java.util.Arrays;
import java.util.Locale;

/** What a step with a NaN or infinite loss or gradient does. Such a step never changes weights or optimizer state. */
public enum NonFinitePolicy {
    /** Stop training with an error naming the step. */
    STOP,
    /** Skip the update, count the step in {@code TrainerState}, and go on. */
    SKIP;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static NonFinitePolicy parse(String key, String value) {
        for (NonFinitePolicy policy : values()) {
            if (policy.configName().equalsIgnoreCase(value.trim())) {
                return policy;
            }
        }
        throw new ConfigurationException(key, value, "one of " + Arrays.stream(values()).map(NonFinitePolicy::configName).toList());
    }
}
