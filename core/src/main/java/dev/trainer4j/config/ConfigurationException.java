package dev.trainer4j.config;

import static java.util.Objects.requireNonNull;

/**
 * A run's configuration is wrong: an unknown key or plugin name, a wrong type, an out-of-range value. The message
 * is complete on its own: the full key path, the value given, what was expected and, for unknown names, the nearest
 * valid ones. Raised before any training starts.
 */
public class ConfigurationException extends RuntimeException {
    private final String path;

    public ConfigurationException(String path, String message) {
        super(requireNonNull(message, "message is null"));
        this.path = requireNonNull(path, "path is null");
    }

    public ConfigurationException(String path, String message, Throwable cause) {
        super(requireNonNull(message, "message is null"), cause);
        this.path = requireNonNull(path, "path is null");
    }

    /** The full key path of the bad setting, e.g. {@code args.learning-rate} or {@code metrics[1].average}. */
    public String path() {
        return path;
    }
}
