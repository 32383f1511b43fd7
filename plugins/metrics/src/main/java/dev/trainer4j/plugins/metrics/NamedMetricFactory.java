package dev.trainer4j.plugins.metrics;

import com.typesafe.config.Config;
import dev.trainer4j.api.Metric;
import dev.trainer4j.spi.MetricFactory;
import dev.trainer4j.spi.PluginContext;

import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/** A {@link MetricFactory} that builds its metric from the settings block with a function. */
final class NamedMetricFactory implements MetricFactory {
    private final String name;
    private final String description;
    private final Function<Config, Metric> constructor;

    NamedMetricFactory(String name, String description, Function<Config, Metric> constructor) {
        this.name = requireNonNull(name, "name is null");
        this.description = requireNonNull(description, "description is null");
        this.constructor = requireNonNull(constructor, "constructor is null");
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public Metric create(Config settings, PluginContext context) {
        requireNonNull(settings, "settings is null");
        return constructor.apply(settings);
    }

    @Override
    public String toString() {
        return "MetricFactory[" + name + "]";
    }
}
