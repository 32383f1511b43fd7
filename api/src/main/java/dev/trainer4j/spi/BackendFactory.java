package dev.trainer4j.spi;

/** Makes a {@link Backend} (config kind {@code backends}). */
public interface BackendFactory extends NamedFactory<Backend> {
}
