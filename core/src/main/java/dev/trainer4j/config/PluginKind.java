package dev.trainer4j.config;

import dev.trainer4j.spi.BackendFactory;
import dev.trainer4j.spi.CallbackFactory;
import dev.trainer4j.spi.CollatorFactory;
import dev.trainer4j.spi.DatasetFactory;
import dev.trainer4j.spi.MetricFactory;
import dev.trainer4j.spi.ModelFactory;
import dev.trainer4j.spi.NamedFactory;
import dev.trainer4j.spi.Plugin;
import dev.trainer4j.spi.TokenizerFactory;

import java.util.List;
import java.util.function.Function;

/**
 * The kinds of factories a {@link Plugin} contributes. Each kind has a config name (the {@code <kind>} of
 * {@code trainer4j.plugins.<kind>.<name>}), a singular noun for messages and the factory interface.
 */
public enum PluginKind {
    BACKENDS("backends", "backend", BackendFactory.class, Plugin::backendFactories),
    MODELS("models", "model", ModelFactory.class, Plugin::modelFactories),
    DATASETS("datasets", "dataset", DatasetFactory.class, Plugin::datasetFactories),
    COLLATORS("collators", "collator", CollatorFactory.class, Plugin::collatorFactories),
    TOKENIZERS("tokenizers", "tokenizer", TokenizerFactory.class, Plugin::tokenizerFactories),
    METRICS("metrics", "metric", MetricFactory.class, Plugin::metricFactories),
    CALLBACKS("callbacks", "callback", CallbackFactory.class, Plugin::callbackFactories);

    /** Where plugin defaults live: {@code trainer4j.plugins.<kind>.<name>}. */
    public static final String DEFAULTS_PATH = "trainer4j.plugins";

    private final String configName;
    private final String singular;
    private final Class<? extends NamedFactory<?>> factoryType;
    private final Function<Plugin, List<? extends NamedFactory<?>>> factories;

    PluginKind(String configName, String singular, Class<? extends NamedFactory<?>> factoryType,
            Function<Plugin, List<? extends NamedFactory<?>>> factories) {
        this.configName = configName;
        this.singular = singular;
        this.factoryType = factoryType;
        this.factories = factories;
    }

    /** The plural config name, e.g. {@code metrics}. */
    public String configName() {
        return configName;
    }

    /** The singular noun for messages, e.g. {@code metric}. */
    public String singular() {
        return singular;
    }

    public Class<? extends NamedFactory<?>> factoryType() {
        return factoryType;
    }

    /** The factories of this kind that {@code plugin} contributes (never null). */
    public List<? extends NamedFactory<?>> factoriesOf(Plugin plugin) {
        List<? extends NamedFactory<?>> list = factories.apply(plugin);
        return list == null ? List.of() : list;
    }

    /** The path of the defaults of factory {@code name}: {@code trainer4j.plugins.<kind>.<name>}. */
    public String defaultsPath(String name) {
        return DEFAULTS_PATH + "." + configName + "." + name;
    }
}
