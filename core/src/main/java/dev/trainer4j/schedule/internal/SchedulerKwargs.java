package dev.trainer4j.schedule.internal;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.SchedulerType;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * The {@code lr-scheduler-kwargs} of one schedule: keys in HF's snake_case or in kebab-case, each read once, with
 * errors that name the key, the value and the schedule. Unknown keys are refused (HF raises a {@code TypeError}).
 */
final class SchedulerKwargs {
    static final String KEY = "lr-scheduler-kwargs";

    private final SchedulerType type;
    private final Map<String, Object> values;

    private SchedulerKwargs(SchedulerType type, Map<String, Object> values) {
        this.type = type;
        this.values = values;
    }

    /** Normalises the keys to snake_case and refuses any key outside {@code allowed}. */
    static SchedulerKwargs of(SchedulerType type, Map<String, Object> raw, Set<String> allowed) {
        requireNonNull(type, "type is null");
        requireNonNull(raw, "raw is null");
        Map<String, Object> normalized = new LinkedHashMap<>();
        for (Map.Entry<String, Object> entry : raw.entrySet()) {
            String key = entry.getKey().trim().toLowerCase(Locale.ROOT).replace('-', '_');
            if (!allowed.contains(key)) {
                throw new ConfigurationException(KEY, KEY + "." + entry.getKey() + " is not a setting of lr-scheduler-type "
                        + type.configName() + "; its settings are " + (allowed.isEmpty() ? "none" : new TreeSet<>(allowed)));
            }
            if (normalized.containsKey(key)) {
                throw new ConfigurationException(KEY, KEY + " sets " + key + " twice (in snake_case and kebab-case); set it once");
            }
            normalized.put(key, entry.getValue());
        }
        return new SchedulerKwargs(type, normalized);
    }

    boolean has(String key) {
        return values.get(key) != null;
    }

    double number(String key, double defaultValue) {
        OptionalDouble value = optionalNumber(key);
        return value.isPresent() ? value.getAsDouble() : defaultValue;
    }

    OptionalDouble optionalNumber(String key) {
        Object value = values.get(key);
        if (value == null) {
            return OptionalDouble.empty();
        }
        if (value instanceof Number number) {
            return OptionalDouble.of(number.doubleValue());
        }
        if (value instanceof String text) {
            try {
                return OptionalDouble.of(Double.parseDouble(text.trim()));
            }
            catch (NumberFormatException e) {
                throw invalid(key, value, "a number");
            }
        }
        throw invalid(key, value, "a number");
    }

    Optional<Long> optionalInteger(String key) {
        OptionalDouble value;
        try {
            value = optionalNumber(key);
        }
        catch (ConfigurationException e) {
            throw invalid(key, values.get(key), "an integer");
        }
        if (value.isEmpty()) {
            return Optional.empty();
        }
        double number = value.getAsDouble();
        if (number != Math.rint(number) || Double.isInfinite(number)) {
            throw invalid(key, values.get(key), "an integer");
        }
        return Optional.of((long) number);
    }

    String string(String key, String defaultValue, Set<String> choices) {
        Object value = values.get(key);
        if (value == null) {
            return defaultValue;
        }
        String text = value.toString().trim().toLowerCase(Locale.ROOT);
        if (!choices.contains(text)) {
            throw invalid(key, value, "one of " + new TreeSet<>(choices));
        }
        return text;
    }

    ConfigurationException invalid(String key, Object value, String expected) {
        String shown = value instanceof String text ? "'" + text + "'" : String.valueOf(value);
        return new ConfigurationException(KEY, KEY + "." + key + ": " + shown + " is not allowed for lr-scheduler-type "
                + type.configName() + "; expected " + expected);
    }

    ConfigurationException invalid(String message) {
        return new ConfigurationException(KEY, KEY + " of lr-scheduler-type " + type.configName() + ": " + message);
    }
}
