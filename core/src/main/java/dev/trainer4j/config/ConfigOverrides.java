package dev.trainer4j.config;

import dev.trainer4j.api.ConfigurationException;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Command-line overrides such as {@code args.learning-rate=3e-4}: a HOCON path, {@code =}, and a HOCON value
 * ({@code 3e-4} is a number, {@code [accuracy, f1]} a list, {@code { type = f1 }} a block); a value that does not
 * parse as HOCON is taken as a string. Later assignments win.
 */
public final class ConfigOverrides {
    private ConfigOverrides() {
    }

    /** The assignments as one config with the run's keys at its root. */
    public static Config parse(List<String> assignments) {
        Config overrides = ConfigFactory.empty();
        for (String assignment : requireNonNull(assignments, "assignments is null")) {
            overrides = parseOne(assignment).withFallback(overrides);
        }
        return overrides;
    }

    private static Config parseOne(String assignment) {
        int equals = assignment.indexOf('=');
        if (equals <= 0) {
            throw new ConfigurationException(assignment, "--set " + assignment + ": expected key=value, e.g. "
                    + "--set args.learning-rate=3e-4");
        }
        String key = assignment.substring(0, equals).trim();
        String text = assignment.substring(equals + 1).trim();
        try {
            ConfigUtil.splitPath(key);
        }
        catch (ConfigException e) {
            throw new ConfigurationException(key, "--set " + assignment + ": '" + key + "' is not a valid key path, e.g. "
                    + "args.learning-rate or model.hidden-size", e);
        }
        ConfigValue value;
        try {
            // root().get, not getValue: getValue throws for null, which then became the string "null"
            value = ConfigFactory.parseString("value = " + text,
                    ConfigParseOptions.defaults().setOriginDescription("--set " + key)).root().get("value");
        }
        catch (ConfigException e) {
            value = ConfigValueFactory.fromAnyRef(text, "--set " + key);
        }
        return ConfigFactory.empty().withValue(key, value);
    }
}
