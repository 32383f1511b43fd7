package dev.trainer4j.plugins.metrics;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.trainer4j.api.ConfigIntegers;
import dev.trainer4j.api.ConfigurationException;

import java.util.List;
import java.util.Locale;

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

    static boolean flag(Config settings, String key) {
        try {
            return settings.getBoolean(key);
        } catch (ConfigException.Missing missing) {
            throw new ConfigurationException(key, "missing: " + key + " has no value; expected true or false");
        } catch (ConfigException.WrongType wrongType) {
            throw new ConfigurationException(key, settings.getValue(key).unwrapped(), "true or false");
        }
    }

    static double number(Config settings, String key) {
        try {
            return settings.getDouble(key);
        } catch (ConfigException.Missing missing) {
            throw new ConfigurationException(key, "missing: " + key + " has no value; expected a number");
        } catch (ConfigException.WrongType wrongType) {
            throw new ConfigurationException(key, settings.getValue(key).unwrapped(), "a number");
        }
    }

    /** A list of class ids (each >= 0); an empty list means "every class". */
    static List<Integer> classIds(Config settings, String key) {
        List<Integer> ids;
        try {
            ids = ConfigIntegers.readIntList(settings, key);
        } catch (ConfigException.Missing missing) {
            throw new ConfigurationException(key, "missing: " + key + " has no value; expected a list of class ids");
        } catch (ConfigException.WrongType wrongType) {
            throw new ConfigurationException(key, settings.getValue(key).unwrapped(), "a list of class ids");
        }
        for (int id : ids) {
            if (id < 0) {
                throw new ConfigurationException(key, ids, "a list of class ids >= 0");
            }
        }
        if (ids.stream().distinct().count() != ids.size()) {
            throw new ConfigurationException(key, ids, "a list of distinct class ids");
        }
        return List.copyOf(ids);
    }

    static List<String> strings(Config settings, String key) {
        try {
            return List.copyOf(settings.getStringList(key));
        } catch (ConfigException.Missing missing) {
            throw new ConfigurationException(key, "missing: " + key + " has no value; expected a list of strings");
        } catch (ConfigException.WrongType wrongType) {
            throw new ConfigurationException(key, settings.getValue(key).unwrapped(), "a list of strings");
        }
    }

    /** One of {@code values}, compared case-insensitively by their lower-case names; the error lists them. */
    static <E extends Enum<E>> E choice(String key, String value, E[] values) {
        StringBuilder expected = new StringBuilder("one of ");
        for (E candidate : values) {
            String name = candidate.toString();
            if (name.equals(value.trim().toLowerCase(Locale.ROOT))) {
                return candidate;
            }
            expected.append(candidate == values[0] ? "" : ", ").append(name);
        }
        throw new ConfigurationException(key, value, expected.toString());
    }
}
