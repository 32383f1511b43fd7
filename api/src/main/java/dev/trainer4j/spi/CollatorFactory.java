package dev.trainer4j.spi;

import dev.trainer4j.api.Collator;

/** Makes a {@link Collator} (config kind {@code collators}), e.g. {@code padding}. */
public interface CollatorFactory extends NamedFactory<Collator> {
}
