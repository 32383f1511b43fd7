package dev.trainer4j.spi;

import java.util.List;

/**
 * The one entry point of a plugin jar, registered in {@code META-INF/services/dev.trainer4j.spi.Plugin}.
 * Every method returns the factories the plugin contributes; a plugin overrides only what it has. This interface
 * grows only through {@code default} methods, so plugins built against an older version keep working.
 * No Guice here: plugins depend on the JDK, Typesafe Config and trainer4j's api only.
 *
 * <p>There is no loss kind: a loss is backend graph code, so a run changes it in code (with the TensorFlow
 * backend, subclass {@code TfTrainer} and override {@code computeLoss}, HF's {@code compute_loss}).
 */
public interface Plugin {

    /** A name for logs and {@code trainer4j plugins}. */
    default String name() {
        return getClass().getSimpleName();
    }

    /** The factories of config kind {@code backends}, with their defaults under {@code trainer4j.plugins.backends}. */
    default List<BackendFactory> backendFactories() {
        return List.of();
    }

    /** The factories of config kind {@code models}, with their defaults under {@code trainer4j.plugins.models}. */
    default List<ModelFactory> modelFactories() {
        return List.of();
    }

    /** The factories of config kind {@code datasets}, with their defaults under {@code trainer4j.plugins.datasets}. */
    default List<DatasetFactory> datasetFactories() {
        return List.of();
    }

    /** The factories of config kind {@code collators}, with their defaults under {@code trainer4j.plugins.collators}. */
    default List<CollatorFactory> collatorFactories() {
        return List.of();
    }

    /** The factories of config kind {@code tokenizers}, with their defaults under {@code trainer4j.plugins.tokenizers}. */
    default List<TokenizerFactory> tokenizerFactories() {
        return List.of();
    }

    /** The factories of config kind {@code metrics}, with their defaults under {@code trainer4j.plugins.metrics}. */
    default List<MetricFactory> metricFactories() {
        return List.of();
    }

    /** The factories of config kind {@code callbacks}, with their defaults under {@code trainer4j.plugins.callbacks}. */
    default List<CallbackFactory> callbackFactories() {
        return List.of();
    }
}
