package dev.trainer4j.runtime;

/**
 * The installed plugins cannot be used: a plugin failed to load, a factory name is not kebab-case, or two
 * factories of one kind share a name. Raised at startup, before any run file is read.
 */
public class PluginLoadException extends RuntimeException {
    public PluginLoadException(String message) {
        super(message);
    }

    public PluginLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
