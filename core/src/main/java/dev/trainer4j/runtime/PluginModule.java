package dev.trainer4j.runtime;

import com.google.inject.AbstractModule;
import com.google.inject.multibindings.MapBinder;
import dev.trainer4j.config.PluginKind;
import dev.trainer4j.spi.BackendFactory;
import dev.trainer4j.spi.CallbackFactory;
import dev.trainer4j.spi.CollatorFactory;
import dev.trainer4j.spi.DatasetFactory;
import dev.trainer4j.spi.MetricFactory;
import dev.trainer4j.spi.ModelFactory;
import dev.trainer4j.spi.NamedFactory;
import dev.trainer4j.spi.TokenizerFactory;

import static java.util.Objects.requireNonNull;

/**
 * Binds the loaded plugins: the {@link PluginRegistry} and, per kind, a {@code Map<String, XxxFactory>} (a
 * {@link MapBinder}) keyed by factory name. Only binds; the plugins were loaded before, by {@link PluginLoader}.
 */
public final class PluginModule extends AbstractModule {
    private final PluginRegistry registry;

    public PluginModule(PluginRegistry registry) {
        this.registry = requireNonNull(registry, "registry is null");
    }

    @Override
    protected void configure() {
        bind(PluginRegistry.class).toInstance(registry);
        bindKind(PluginKind.BACKENDS, BackendFactory.class);
        bindKind(PluginKind.MODELS, ModelFactory.class);
        bindKind(PluginKind.DATASETS, DatasetFactory.class);
        bindKind(PluginKind.COLLATORS, CollatorFactory.class);
        bindKind(PluginKind.TOKENIZERS, TokenizerFactory.class);
        bindKind(PluginKind.METRICS, MetricFactory.class);
        bindKind(PluginKind.CALLBACKS, CallbackFactory.class);
    }

    private <F extends NamedFactory<?>> void bindKind(PluginKind kind, Class<F> type) {
        MapBinder<String, F> factories = MapBinder.newMapBinder(binder(), String.class, type);
        registry.factories(kind, type).forEach((name, factory) -> factories.addBinding(name).toInstance(factory));
    }
}
