package dev.trainer4j.plugins.callbacks;

import com.typesafe.config.Config;
import dev.trainer4j.api.Callback;
import dev.trainer4j.spi.CallbackFactory;
import dev.trainer4j.spi.PluginContext;

import java.time.Clock;

/** Makes the {@code jsonl-logger} callback. */
public final class JsonlLoggerFactory implements CallbackFactory {
    @Override
    public String name() {
        return JsonlLoggerCallback.NAME;
    }

    @Override
    public String description() {
        return "appends every log, evaluate and predict event to output-dir/metrics.jsonl";
    }

    @Override
    public Callback create(Config settings, PluginContext context) {
        return new JsonlLoggerCallback(MetricsFileSettings.fromConfig(name(), settings), Clock.systemUTC());
    }
}
