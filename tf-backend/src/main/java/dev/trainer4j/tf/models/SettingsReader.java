package dev.trainer4j.tf.models;

import dev.trainer4j.api.ConfigIntegers;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.trainer4j.api.ConfigurationException;

import java.util.List;

/** Reads typed values from a factory's settings block; a missing or mistyped key fails naming it. */
final class SettingsReader {
    private final Config config;

    SettingsReader(Config config) {
        this.config = config;
    }

    boolean has(String key) {
        return config.hasPath(key);
    }

    int integer(String key, String expected) {
        return read(key, expected, () -> ConfigIntegers.readInt(config, key));
    }

    double number(String key, String expected) {
        return read(key, expected, () -> config.getDouble(key));
    }

    String string(String key, String expected) {
        return read(key, expected, () -> config.getString(key));
    }

    List<Integer> integers(String key, String expected) {
        return read(key, expected, () -> ConfigIntegers.readIntList(config, key));
    }

    private <T> T read(String key, String expected, java.util.function.Supplier<T> reader) {
        if (!config.hasPath(key)) {
            throw new ConfigurationException(key, key + " is missing; expected " + expected);
        }
        try {
            return reader.get();
        } catch (ConfigException.WrongType e) {
            throw new ConfigurationException(key, config.getValue(key).unwrapped(), expected);
        }
    }
}
