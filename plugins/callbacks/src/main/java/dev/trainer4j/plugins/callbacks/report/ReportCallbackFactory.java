package dev.trainer4j.plugins.callbacks.report;

import com.typesafe.config.Config;
import dev.trainer4j.api.Callback;
import dev.trainer4j.spi.CallbackFactory;
import dev.trainer4j.spi.PluginContext;

/** Makes the {@code report} callback. */
public final class ReportCallbackFactory implements CallbackFactory {
    @Override
    public String name() {
        return ReportSettings.NAME;
    }

    @Override
    public String description() {
        return "writes output-dir/report.html (self-contained curves, final metrics, arguments) and plots/*.png at train end";
    }

    @Override
    public Callback create(Config settings, PluginContext context) {
        return new ReportCallback(ReportSettings.fromConfig(settings));
    }
}
