package dev.trainer4j.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Reads integer settings exactly. Typesafe Config's {@code getLong} clamps a number beyond the long range (a 20-digit
 * value is parsed as a double) and {@code getInt} truncates a fraction; these readers read the value as written and
 * refuse a fraction or a value outside the range with a {@link ConfigurationException} naming the key, the value and
 * the range. A missing, null or non-numeric value fails as Typesafe's own readers do ({@link ConfigException.Missing},
 * {@link ConfigException.Null}, {@link ConfigException.WrongType}), so callers keep their messages for those.
 */
public final class ConfigIntegers {
    private ConfigIntegers() {
    }

    /** The integer at {@code path}, which must fit an {@code int}. */
    public static int readInt(Config config, String path) {
        return (int) readLong(config, path, Integer.MIN_VALUE, Integer.MAX_VALUE);
    }

    /** The integer at {@code path}, which must fit a {@code long}. */
    public static long readLong(Config config, String path) {
        return readLong(config, path, Long.MIN_VALUE, Long.MAX_VALUE);
    }

    /** The integer at {@code path}, which must be in [{@code min}, {@code max}]. */
    public static long readLong(Config config, String path, long min, long max) {
        requireNonNull(config, "config is null");
        requireNonNull(path, "path is null");
        return exact(path, config.getValue(path), min, max);
    }

    /** The list of integers at {@code path}, each of which must fit an {@code int}. */
    public static List<Integer> readIntList(Config config, String path) {
        requireNonNull(config, "config is null");
        requireNonNull(path, "path is null");
        ConfigList list = config.getList(path);
        List<Integer> values = new ArrayList<>(list.size());
        for (int index = 0; index < list.size(); index++) {
            values.add((int) exact(path + "[" + index + "]", list.get(index), Integer.MIN_VALUE, Integer.MAX_VALUE));
        }
        return values;
    }

    private static long exact(String path, ConfigValue value, long min, long max) {
        String range = "an integer between " + min + " and " + max;
        String text;
        if (value.valueType() == ConfigValueType.NUMBER) {
            text = value.render();
        }
        else if (value.valueType() == ConfigValueType.STRING) {
            text = ((String) value.unwrapped()).trim();
        }
        else {
            throw new ConfigException.WrongType(value.origin(), path, "an integer", value.valueType().name());
        }
        BigDecimal exact;
        try {
            exact = new BigDecimal(text);
        }
        catch (NumberFormatException e) {
            throw new ConfigException.WrongType(value.origin(), path, "an integer", "the string '" + text + "'");
        }
        if (exact.signum() != 0 && exact.stripTrailingZeros().scale() > 0) {
            throw new ConfigurationException(path, path + ": " + text + " is not allowed; expected " + range
                    + " (without a fraction)");
        }
        if (exact.compareTo(BigDecimal.valueOf(min)) < 0 || exact.compareTo(BigDecimal.valueOf(max)) > 0) {
            throw new ConfigurationException(path, path + ": " + text + " is not allowed; expected " + range);
        }
        return exact.longValueExact();
    }
}
