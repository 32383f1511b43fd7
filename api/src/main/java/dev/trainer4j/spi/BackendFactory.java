package dev.trainer4j.spi;

/** Makes a {@link Backend} (config kind {@code backends}). */
public interface BackendFactory extends NamedFactory<Backend> {
    /**
     * Starts loading what the backend's first use needs (e.g. native libraries) on a background thread, so that a
     * command about to use it overlaps that load with its other start-up work (reading data, training a tokenizer).
     * Returns at once; calling it again, or never, changes only the timing. The default does nothing.
     */
    default void preload() {
    }
}
