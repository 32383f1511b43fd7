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

    default List<BackendFactory> backendFactories() {
        return List.of();
    }

    default List<ModelFactory> modelFactories() {
        return List.of();
    }

    default List<DatasetFactory> datasetFactories() {
        return List.of();
    }

    default List<CollatorFactory> collatorFactories() {
        return List.of();
    }

    default List<TokenizerFactory> tokenizerFactories() {
        return List.of();
    }

    default List<MetricFactory> metricFactories() {
        return List.of();
    }

    default List<CallbackFactory> callbackFactories() {
        return List.of();
    }
}
