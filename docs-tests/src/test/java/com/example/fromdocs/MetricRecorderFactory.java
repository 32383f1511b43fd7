package com.example.fromdocs;

import com.typesafe.config.Config;
import dev.trainer4j.api.Callback;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.spi.CallbackFactory;
import dev.trainer4j.spi.PluginContext;

/** Makes {@code metric-recorder}: {@code callbacks = [{ type = metric-recorder, metric = eval_accuracy }]}. */
public final class MetricRecorderFactory implements CallbackFactory {

    @Override
    public String name() {
        return "metric-recorder";
    }

    @Override
    public String description() {
        return "appends one metric after every evaluation to a file in the output dir";
    }

    @Override
    public Callback create(Config settings, PluginContext context) {
        String metric = settings.getString("metric");
        if (metric.isBlank()) {
            throw new ConfigurationException("metric", metric, "a metric key such as eval_accuracy");
        }
        return new MetricRecorderCallback(metric, settings.getString("file-name"));
    }
}
