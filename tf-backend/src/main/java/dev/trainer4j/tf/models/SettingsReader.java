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

    /**
     * True when {@code key} has a value that does not come from a {@code reference.conf} (the run file, an override
     * or code set it), false when it is absent, null or the library default.
     */
    boolean given(String key) {
        if (!config.hasPath(key)) {
            return false;
        }
        String resource = config.getValue(key).origin().resource();
        return resource == null || !resource.endsWith("reference.conf");
    }

    boolean bool(String key, String expected) {
        return read(key, expected, () -> config.getBoolean(key));
    }

    List<String> strings(String key, String expected) {
        return read(key, expected, () -> config.getStringList(key));
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
