package dev.trainer4j.spi;

import dev.trainer4j.api.Model;

/** Makes a {@link Model} (config kind {@code models}), e.g. {@code mlp-classifier}. */
public interface ModelFactory extends NamedFactory<Model> {
}
