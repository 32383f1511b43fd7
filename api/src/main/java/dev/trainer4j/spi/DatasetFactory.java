package dev.trainer4j.spi;

import dev.trainer4j.api.Dataset;

/** Makes a {@link Dataset} (config kind {@code datasets}), e.g. {@code jsonl}. */
public interface DatasetFactory extends NamedFactory<Dataset> {
}
