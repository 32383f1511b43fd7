package dev.trainer4j.spi;

import dev.trainer4j.api.Callback;

/** Makes a {@link Callback} (config kind {@code callbacks}), e.g. {@code early-stopping}. */
public interface CallbackFactory extends NamedFactory<Callback> {
}
