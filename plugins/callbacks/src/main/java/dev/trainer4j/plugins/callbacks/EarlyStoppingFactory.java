package dev.trainer4j.plugins.callbacks;

import com.typesafe.config.Config;
import dev.trainer4j.api.Callback;
import dev.trainer4j.spi.CallbackFactory;
import dev.trainer4j.spi.PluginContext;

/** Makes the {@code early-stopping} callback. */
public final class EarlyStoppingFactory implements CallbackFactory {
    @Override
    public String name() {
        return EarlyStoppingSettings.NAME;
    }

    @Override
    public String description() {
        return "stops training when metric-for-best-model has not improved for early-stopping-patience evaluations";
    }

    @Override
    public Callback create(Config settings, PluginContext context) {
        return new EarlyStoppingCallback(EarlyStoppingSettings.fromConfig(settings));
    }
}
