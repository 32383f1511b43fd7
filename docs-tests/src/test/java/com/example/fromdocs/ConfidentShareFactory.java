package com.example.fromdocs;

import com.typesafe.config.Config;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.Metric;
import dev.trainer4j.spi.MetricFactory;
import dev.trainer4j.spi.PluginContext;

/** Makes {@code confident-share}: {@code metrics = [{ type = confident-share, min-probability = 0.9 }]}. */
public final class ConfidentShareFactory implements MetricFactory {

    @Override
    public String name() {
        return "confident-share";
    }

    @Override
    public String description() {
        return "share of examples whose top softmax probability is at least min-probability";
    }

    @Override
    public Metric create(Config settings, PluginContext context) {
        double minProbability = settings.getDouble("min-probability");
        if (!(minProbability > 0 && minProbability <= 1)) {
            throw new ConfigurationException("min-probability", minProbability, "a number in (0, 1]");
        }
        return new ConfidentShareMetric(minProbability);
    }
}
