package dev.trainer4j.tf.models;

import com.typesafe.config.Config;
import dev.trainer4j.api.Model;
import dev.trainer4j.spi.ModelFactory;
import dev.trainer4j.spi.PluginContext;

import static java.util.Objects.requireNonNull;

/**
 * Makes a {@link TransformerSeq2Seq} from the block {@code trainer4j.plugins.models.transformer-seq2seq}:
 * {@code vocab-size} (default: the run's tokenizer's vocabulary size), {@code hidden-size},
 * {@code num-encoder-layers}, {@code num-decoder-layers}, {@code num-heads}, {@code intermediate-size},
 * {@code max-position}, {@code dropout}, {@code layer-norm-epsilon}, {@code share-embeddings},
 * {@code tie-word-embeddings}, {@code generation-config} (the model's generation defaults and token ids; its pad id
 * defaults to the tokenizer's).
 */
public final class TransformerSeq2SeqFactory implements ModelFactory {

    @Override
    public String name() {
        return TransformerSeq2Seq.NAME;
    }

    @Override
    public String description() {
        return "pre-LN transformer encoder-decoder (labels shifted into decoder inputs) that generates with a key/value cache";
    }

    @Override
    public Model create(Config settings, PluginContext context) {
        requireNonNull(settings, "settings is null");
        SettingsReader reader = new SettingsReader(settings);
        return new TransformerSeq2Seq(new TransformerSeq2SeqSettings(
                GenerativeSettings.vocabSize(reader, context),
                reader.integer("hidden-size", "an integer > 0"),
                reader.integer("num-encoder-layers", "an integer > 0"),
                reader.integer("num-decoder-layers", "an integer > 0"),
                reader.integer("num-heads", "an integer > 0"),
                reader.integer("intermediate-size", "an integer > 0"),
                reader.integer("max-position", "an integer > 0"),
                reader.number("dropout", "a number in [0, 1)"),
                reader.number("layer-norm-epsilon", "a number > 0"),
                reader.bool("share-embeddings", "true or false"),
                reader.bool("tie-word-embeddings", "true or false"),
                GenerativeSettings.generationConfig(settings, context)));
    }
}
