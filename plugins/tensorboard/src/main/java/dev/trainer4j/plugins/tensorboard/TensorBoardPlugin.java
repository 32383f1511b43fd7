package dev.trainer4j.plugins.tensorboard;

import dev.trainer4j.spi.CallbackFactory;
import dev.trainer4j.spi.Plugin;

import java.util.List;

/** The TensorBoard plugin: the {@code tensorboard} callback. */
public final class TensorBoardPlugin implements Plugin {
    @Override
    public String name() {
        return "tensorboard";
    }

    @Override
    public List<CallbackFactory> callbackFactories() {
        return List.of(new TensorBoardCallbackFactory());
    }
}
