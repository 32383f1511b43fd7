package dev.trainer4j.api;

import java.util.Locale;

/** Whether a hyperparameter search looks for the lowest or the highest objective. */
public enum SearchDirection {
    MINIMIZE, MAXIMIZE;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** {@code minimize} or {@code maximize}; anything else is a {@link ConfigurationException} naming {@code key}. */
    public static SearchDirection parse(String key, String value) {
        for (SearchDirection direction : values()) {
            if (direction.configName().equalsIgnoreCase(value.trim())) {
                return direction;
            }
        }
        throw new ConfigurationException(key, value, "minimize or maximize");
    }

    /** True when {@code candidate} is better than {@code incumbent} in this direction. */
    public boolean isBetter(double candidate, double incumbent) {
        return this == MINIMIZE ? candidate < incumbent : candidate > incumbent;
    }
}
