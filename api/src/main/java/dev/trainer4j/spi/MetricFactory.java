package dev.trainer4j.spi;

import dev.trainer4j.api.Metric;

/** Makes a streaming {@link Metric} (config kind {@code metrics}), e.g. {@code accuracy}. */
public interface MetricFactory extends NamedFactory<Metric> {
}
