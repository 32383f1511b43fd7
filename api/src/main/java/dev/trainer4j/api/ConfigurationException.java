package dev.trainer4j.api;

import static java.util.Objects.requireNonNull;

/**
 * A setting is wrong: an unknown key or plugin name, a wrong type, a value out of range, settings that contradict
 * each other, or plugins that cannot be installed. The message names the key, the value given, what was expected
 * and, for unknown names, the nearest valid ones, e.g.
 * {@code args.learning-rate: -1.0 is not allowed; expected a number >= 0}. Raised before training starts.
 */
public class ConfigurationException extends InvalidInputException {
    private final String key;

    /** A key whose value is not allowed: the message reads {@code <key>: <value> is not allowed; expected <expected>}. */
    public ConfigurationException(String key, Object value, String expected) {
        super(requireNonNull(key, "key is null") + ": " + describe(value) + " is not allowed; expected "
                + requireNonNull(expected, "expected is null"));
        this.key = key;
    }

    /** A problem with {@code key} that {@code message} describes, naming the key (and the other keys involved). */
    public ConfigurationException(String key, String message) {
        super(requireNonNull(message, "message is null"));
        this.key = requireNonNull(key, "key is null");
    }

    public ConfigurationException(String key, String message, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.key = requireNonNull(key, "key is null");
    }

    /**
     * The key of the bad setting: relative to the block that was read (e.g. {@code learning-rate} from
     * {@link TrainingArguments}) or, once a run file's parser has placed it, the full path such as
     * {@code args.learning-rate} or {@code metrics[1].average}; {@code plugins} for the installed plugins.
     */
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
