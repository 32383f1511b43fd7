package dev.trainer4j.plugins.metrics;

import dev.trainer4j.api.ConfigIntegers;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.trainer4j.api.ConfigurationException;

/** Reads typed values from a metric's block; a missing or mistyped key fails with an error naming it. */
final class SettingsReader {
    private SettingsReader() {
    }

    static String string(Config settings, String key) {
        try {
            return settings.getString(key);
        } catch (ConfigException.Missing missing) {
            throw new ConfigurationException(key, "missing: " + key + " has no value; expected a string");
        } catch (ConfigException.WrongType wrongType) {
            throw new ConfigurationException(key, settings.getValue(key).unwrapped(), "a string");
        }
    }

    static int integer(Config settings, String key) {
        try {
            return ConfigIntegers.readInt(settings, key);
        } catch (ConfigException.Missing missing) {
            throw new ConfigurationException(key, "missing: " + key + " has no value; expected an integer");
        } catch (ConfigException.WrongType wrongType) {
            throw new ConfigurationException(key, settings.getValue(key).unwrapped(), "an integer");
        }
    }
}
