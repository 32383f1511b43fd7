package dev.trainer4j.runtime;

import com.typesafe.config.Config;
import dev.trainer4j.api.Metric;
import dev.trainer4j.spi.MetricFactory;
import dev.trainer4j.spi.Plugin;
import dev.trainer4j.spi.PluginContext;

import java.util.List;

/** Contributes a metric named like one of {@link RuntimeTestPlugin}'s, or a badly named one. */
public final class DuplicateMetricPlugin implements Plugin {
    private final String metricName;

    public DuplicateMetricPlugin() {
        this("test-accuracy");
    }

    DuplicateMetricPlugin(String metricName) {
        this.metricName = metricName;
    }

    @Override
    public List<MetricFactory> metricFactories() {
        return List.of(new MetricFactory() {
            @Override
            public String name() {
                return metricName;
            }

            @Override
            public Metric create(Config settings, PluginContext context) {
                return new RuntimeTestPlugin.TestMetric(metricName, settings);
            }
        });
    }
}
