package dev.trainer4j.plugins.tensorboard;

import com.typesafe.config.Config;
import dev.trainer4j.api.Callback;
import dev.trainer4j.spi.CallbackFactory;
import dev.trainer4j.spi.PluginContext;

/** Makes the {@code tensorboard} callback. */
public final class TensorBoardCallbackFactory implements CallbackFactory {
    @Override
    public String name() {
        return TensorBoardSettings.NAME;
    }

    @Override
    public String description() {
        return "writes TensorBoard event files (scalars, args text) to output-dir/runs with TensorFlow's summary ops";
    }

    @Override
    public Callback create(Config settings, PluginContext context) {
        return new TensorBoardCallback(TensorBoardSettings.fromConfig(settings));
    }
}
