package dev.trainer4j.plugins.callbacks;

import com.typesafe.config.Config;
import dev.trainer4j.api.Callback;
import dev.trainer4j.spi.CallbackFactory;
import dev.trainer4j.spi.PluginContext;

import java.time.Clock;

/** Makes the {@code csv-logger} callback. */
public final class CsvLoggerFactory implements CallbackFactory {
    @Override
    public String name() {
        return CsvLoggerCallback.NAME;
    }

    @Override
    public String description() {
        return "writes every log, evaluate and predict event to output-dir/metrics.csv, growing the header as keys appear";
    }

    @Override
    public Callback create(Config settings, PluginContext context) {
        return new CsvLoggerCallback(MetricsFileSettings.fromConfig(name(), settings), Clock.systemUTC());
    }
}
