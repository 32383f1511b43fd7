package dev.trainer4j.plugins.callbacks;

import dev.trainer4j.plugins.callbacks.report.ReportCallbackFactory;
import dev.trainer4j.spi.CallbackFactory;
import dev.trainer4j.spi.Plugin;

import java.util.List;

/** The callbacks plugin: {@code progress}, {@code jsonl-logger}, {@code csv-logger}, {@code early-stopping}, {@code report}. */
public final class CallbacksPlugin implements Plugin {
    @Override
    public String name() {
        return "callbacks";
    }

    @Override
    public List<CallbackFactory> callbackFactories() {
        return List.of(new ProgressCallbackFactory(), new JsonlLoggerFactory(), new CsvLoggerFactory(), new EarlyStoppingFactory(),
                new ReportCallbackFactory());
    }
}
