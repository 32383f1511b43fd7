package dev.trainer4j.plugins.callbacks;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import dev.trainer4j.api.ConfigurationException;

import java.util.Set;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/** Reads one callback's settings block; errors name {@code <callback>.<key>}, the value and what was expected. */
final class SettingsReader {
    private final String callback;
    private final Config config;

    SettingsReader(String callback, Config config, Set<String> keys) {
        this.callback = requireNonNull(callback, "callback is null");
        this.config = requireNonNull(config, "config is null");
        for (String key : config.root().keySet()) {
            if (!key.equals("type") && !keys.contains(key)) {
                throw new ConfigurationException(callback + "." + key, "callback " + callback + " has no setting '" + key
                        + "'; its settings are " + new TreeSet<>(keys));
            }
        }
    }

    boolean has(String key) {
        return config.hasPath(key);
    }

    String string(String key) {
        try {
            return config.getString(key);
        }
        catch (ConfigException.Missing e) {
            throw new ConfigurationException(callback + "." + key, "callback " + callback + " needs the setting '" + key + "'");
        }
        catch (ConfigException.WrongType e) {
            throw invalid(key, "a string");
        }
    }

    long integer(String key) {
        double value = number(key);
        if (value != Math.rint(value) || Double.isInfinite(value)) {
            throw invalid(key, "an integer");
        }
        return (long) value;
    }

    double number(String key) {
        try {
            if (config.getValue(key).valueType() == ConfigValueType.STRING) {
                throw invalid(key, "a number");
            }
            return config.getDouble(key);
        }
        catch (ConfigException.Missing e) {
            throw new ConfigurationException(callback + "." + key, "callback " + callback + " needs the setting '" + key + "'");
        }
        catch (ConfigException.WrongType e) {
            throw invalid(key, "a number");
        }
    }

    ConfigurationException invalid(String key, String expected) {
        Object value = config.hasPathOrNull(key) && !config.getIsNull(key) ? config.getValue(key).unwrapped() : null;
        return new ConfigurationException(callback + "." + key, value, expected);
    }
}
