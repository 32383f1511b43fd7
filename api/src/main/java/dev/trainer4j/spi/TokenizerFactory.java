package dev.trainer4j.spi;

import com.typesafe.config.Config;
import dev.trainer4j.api.Tokenizer;

import java.util.Optional;

/** Makes a {@link Tokenizer} (config kind {@code tokenizers}), e.g. {@code hf} or {@code word-level}. */
public interface TokenizerFactory extends NamedFactory<Tokenizer> {

    /**
     * The dataset text field this tokenizer learns its vocabulary from, when its settings ask for training
     * (e.g. {@code train-from = text}); empty for tokenizers that are loaded ready-made. When present, the runtime
     * calls {@link #train} with the texts of that field instead of {@link #create}.
     */
    default Optional<String> trainingField(Config settings) {
        return Optional.empty();
    }

    /** Builds a tokenizer whose vocabulary is learned from {@code texts} (settings with defaults merged). */
    default Tokenizer train(Config settings, PluginContext context, Iterable<String> texts) {
        throw new UnsupportedOperationException("tokenizer '" + name() + "' is not trainable");
    }
}
