package dev.trainer4j.tf.models;

import dev.trainer4j.api.ConfigurationException;

import java.util.Arrays;
import java.util.Locale;

/** How a sequence classifier turns token states into one vector. */
public enum Pooling {
    /** The state of the first token (BERT's [CLS]). */
    CLS,
    /** The mean over tokens whose attention mask is 1. */
    MEAN;

    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The pooling named {@code name} (case-insensitive); errors name {@code key}. */
    public static Pooling fromName(String key, String name) {
        for (Pooling pooling : values()) {
            if (pooling.configName().equalsIgnoreCase(name)) {
                return pooling;
            }
        }
        throw new ConfigurationException(key, name,
                "one of " + Arrays.stream(values()).map(Pooling::configName).toList());
    }
}
