package dev.trainer4j.tf.models;

import com.typesafe.config.Config;
import dev.trainer4j.api.Model;
import dev.trainer4j.api.Tokenizer;
import dev.trainer4j.spi.ModelFactory;
import dev.trainer4j.spi.PluginContext;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Makes a {@link TransformerClassifier} from the block {@code trainer4j.plugins.models.transformer-classifier}:
 * {@code vocab-size} (default: the run's tokenizer's vocabulary size), {@code hidden-size}, {@code num-layers},
 * {@code num-heads}, {@code intermediate-size}, {@code max-position}, {@code dropout}, {@code layer-norm-epsilon},
 * {@code pooling} ({@code cls}|{@code mean}), {@code num-labels}.
 */
public final class TransformerClassifierFactory implements ModelFactory {

    @Override
    public String name() {
        return TransformerClassifier.NAME;
    }

    @Override
    public String description() {
        return "pre-LN transformer encoder over input_ids/attention_mask with cls or mean pooling and a classifier";
    }

    @Override
    public Model create(Config settings, PluginContext context) {
        requireNonNull(settings, "settings is null");
        SettingsReader reader = new SettingsReader(settings);
        int vocabSize;
        Optional<Tokenizer> tokenizer = context == null ? Optional.empty() : context.tokenizer();
        if (reader.has("vocab-size") || tokenizer.isEmpty()) {
            vocabSize = reader.integer("vocab-size", "an integer > 0 (or a tokenizer in the run to take it from)");
        } else {
            vocabSize = tokenizer.get().vocabularySize();
        }
        return new TransformerClassifier(new TransformerClassifierSettings(
                vocabSize,
                reader.integer("hidden-size", "an integer > 0"),
                reader.integer("num-layers", "an integer > 0"),
                reader.integer("num-heads", "an integer > 0"),
                reader.integer("intermediate-size", "an integer > 0"),
                reader.integer("max-position", "an integer > 0"),
                reader.number("dropout", "a number in [0, 1)"),
                reader.number("layer-norm-epsilon", "a number > 0"),
                Pooling.fromName("pooling", reader.string("pooling", "cls or mean")),
                reader.integer("num-labels", "an integer > 0")));
    }
}
