package dev.trainer4j.api;

import java.util.Arrays;
import java.util.Locale;

/** How one process uses several devices ({@code strategy}). */
public enum DeviceStrategy {
    /** Data parallel: a replica of the model per device, each on a slice of the batch, one summed update. */
    MIRRORED,
    /** The model's layers split over devices by {@code device-map}; activations cross devices. */
    MODEL_PARALLEL;

    /** The spelling in config: {@code mirrored}, {@code model-parallel}. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Reads a written name; an unknown one is a {@link ConfigurationException} naming {@code key}. */
    public static DeviceStrategy parse(String key, String value) {
        String normalized = value.trim().toLowerCase(Locale.ROOT).replace('_', '-');
        for (DeviceStrategy strategy : values()) {
            if (strategy.configName().equals(normalized)) {
                return strategy;
            }
        }
        throw new ConfigurationException(key, value, "one of " + Arrays.stream(values()).map(DeviceStrategy::configName).toList());
    }
}
