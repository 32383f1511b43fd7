package dev.trainer4j.plugins.callbacks;

import com.typesafe.config.Config;
import dev.trainer4j.api.Callback;
import dev.trainer4j.spi.CallbackFactory;
import dev.trainer4j.spi.PluginContext;

/** Makes the {@code progress} callback, drawing on the process's stderr or stdout. */
public final class ProgressCallbackFactory implements CallbackFactory {
    @Override
    public String name() {
        return ProgressCallback.NAME;
    }

    @Override
    public String description() {
        return "a console progress bar over steps and evaluation batches; plain log lines when not on a terminal";
    }

    @Override
    public Callback create(Config settings, PluginContext context) {
        ProgressSettings progress = ProgressSettings.fromConfig(settings);
        return new ProgressCallback(progress, progress.output().equals("stdout") ? System.out : System.err,
                progress.drawsBar(System.console() != null), System::nanoTime);
    }
}
