package dev.trainer4j.tf;

import com.typesafe.config.Config;
import dev.trainer4j.spi.Backend;
import dev.trainer4j.spi.BackendFactory;
import dev.trainer4j.spi.ModelFactory;
import dev.trainer4j.spi.Plugin;
import dev.trainer4j.spi.PluginContext;
import dev.trainer4j.tf.internal.TfPreload;
import dev.trainer4j.tf.models.BertEncoderFactory;
import dev.trainer4j.tf.models.MlpClassifierFactory;
import dev.trainer4j.tf.models.TransformerClassifierFactory;
import dev.trainer4j.tf.models.TransformerLmFactory;
import dev.trainer4j.tf.models.TransformerSeq2SeqFactory;

import java.util.List;

/** The TensorFlow backend's plugin: the {@code tensorflow} backend and its models. */
public final class TfPlugin implements Plugin {

    @Override
    public String name() {
        return "tensorflow";
    }

    @Override
    public List<BackendFactory> backendFactories() {
        return List.of(new BackendFactory() {
            @Override
            public String name() {
                return TfBackend.NAME;
            }

            @Override
            public String description() {
                return "TensorFlow Java 1.1.0 in graph mode (CPU; GPU with the gpu build profile)";
            }

            @Override
            public Backend create(Config settings, PluginContext context) {
                return new TfBackend();
            }

            /** Loads TensorFlow's native library and probes the CPU device on a daemon thread. */
            @Override
            public void preload() {
                TfPreload.start();
            }
        });
    }

    @Override
    public List<ModelFactory> modelFactories() {
        return List.of(new MlpClassifierFactory(), new TransformerClassifierFactory(), new BertEncoderFactory(),
                new TransformerLmFactory(), new TransformerSeq2SeqFactory());
    }
}
