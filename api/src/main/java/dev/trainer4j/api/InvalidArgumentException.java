package dev.trainer4j.api;

import static java.util.Objects.requireNonNull;

/**
 * A setting has a value that is not allowed. The message names the key, the value given and what was expected,
 * e.g. {@code learning-rate: -1.0 is not allowed; expected a number >= 0}.
 */
public class InvalidArgumentException extends IllegalArgumentException {
    private final String key;

    public InvalidArgumentException(String key, Object value, String expected) {
        super(requireNonNull(key, "key is null") + ": " + describe(value) + " is not allowed; expected " + expected);
        this.key = key;
    }

    /** For rules that relate several keys: {@code message} must name them. */
    public InvalidArgumentException(String key, String message) {
        super(requireNonNull(message, "message is null"));
        this.key = requireNonNull(key, "key is null");
    }

    /** The key (kebab-case, relative to {@code args}) that holds the bad value. */
    public String key() {
        return key;
    }

    private static String describe(Object value) {
        if (value instanceof String text) {
            return "'" + text + "'";
        }
        return String.valueOf(value);
    }
}
