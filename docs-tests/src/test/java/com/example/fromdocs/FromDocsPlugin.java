package com.example.fromdocs;

import dev.trainer4j.spi.CallbackFactory;
import dev.trainer4j.spi.MetricFactory;
import dev.trainer4j.spi.Plugin;

import java.util.List;

/** A metric and a callback written from docs/writing-a-plugin.md alone (see FromDocsPluginTest). */
public final class FromDocsPlugin implements Plugin {

    @Override
    public String name() {
        return "from-docs";
    }

    @Override
    public List<MetricFactory> metricFactories() {
        return List.of(new ConfidentShareFactory());
    }

    @Override
    public List<CallbackFactory> callbackFactories() {
        return List.of(new MetricRecorderFactory());
    }
}
