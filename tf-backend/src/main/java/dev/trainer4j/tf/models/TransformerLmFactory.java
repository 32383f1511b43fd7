package dev.trainer4j.tf.models;

import com.typesafe.config.Config;
import dev.trainer4j.api.Model;
import dev.trainer4j.spi.ModelFactory;
import dev.trainer4j.spi.PluginContext;

import static java.util.Objects.requireNonNull;

/**
 * Makes a {@link TransformerLm} from the block {@code trainer4j.plugins.models.transformer-lm}: {@code vocab-size}
 * (default: the run's tokenizer's vocabulary size), {@code hidden-size}, {@code num-layers}, {@code num-heads},
 * {@code intermediate-size}, {@code max-position}, {@code dropout}, {@code layer-norm-epsilon},
 * {@code tie-word-embeddings}, {@code generation-config} (the model's generation defaults; its pad id defaults to the
 * tokenizer's).
 */
public final class TransformerLmFactory implements ModelFactory {

    @Override
    public String name() {
        return TransformerLm.NAME;
    }

    @Override
    public String description() {
        return "decoder-only causal transformer language model (GPT-style, pre-LN) that generates with a key/value cache";
    }

    @Override
    public Model create(Config settings, PluginContext context) {
        requireNonNull(settings, "settings is null");
        SettingsReader reader = new SettingsReader(settings);
        return new TransformerLm(new TransformerLmSettings(
                GenerativeSettings.vocabSize(reader, context),
                reader.integer("hidden-size", "an integer > 0"),
                reader.integer("num-layers", "an integer > 0"),
                reader.integer("num-heads", "an integer > 0"),
                reader.integer("intermediate-size", "an integer > 0"),
                reader.integer("max-position", "an integer > 0"),
                reader.number("dropout", "a number in [0, 1)"),
                reader.number("layer-norm-epsilon", "a number > 0"),
                reader.bool("tie-word-embeddings", "true or false"),
                GenerativeSettings.generationConfig(settings, context)));
    }
}
