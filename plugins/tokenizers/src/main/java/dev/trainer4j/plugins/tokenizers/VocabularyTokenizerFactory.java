package dev.trainer4j.plugins.tokenizers;

import com.typesafe.config.Config;
import dev.trainer4j.spi.PluginContext;
import dev.trainer4j.spi.TokenizerFactory;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A tokenizer that learns its vocabulary from training texts. With {@code path} set, {@link #create} loads a saved
 * {@code tokenizer.json}; otherwise the runtime reads the texts of the dataset field {@link #trainingField} and
 * calls {@link #train}.
 */
abstract class VocabularyTokenizerFactory implements TokenizerFactory {
    private final Granularity granularity;

    VocabularyTokenizerFactory(Granularity granularity) {
        this.granularity = requireNonNull(granularity, "granularity is null");
    }

    @Override
    public Optional<String> trainingField(Config settings) {
        VocabularyTokenizerSettings parsed = VocabularyTokenizerSettings.from(settings);
        return parsed.trains() ? Optional.of(parsed.trainFrom()) : Optional.empty();
    }

    @Override
    public VocabularyTokenizer create(Config settings, PluginContext context) {
        VocabularyTokenizerSettings parsed = VocabularyTokenizerSettings.from(settings);
        if (parsed.trains()) {
            throw new IllegalArgumentException("tokenizer '" + name() + "' learns its vocabulary from the dataset field '"
                    + parsed.trainFrom() + "': call train(settings, context, texts) with those texts, or set 'path' to a saved tokenizer.json");
        }
        VocabularyTokenizer tokenizer = VocabularyTokenizer.load(context.resolve(parsed.path()), parsed.maxLength(),
                parsed.addSpecialTokens());
        if (tokenizer.granularity() != granularity) {
            throw new IllegalArgumentException("tokenizer '" + name() + "': " + parsed.path() + " is a "
                    + tokenizer.granularity().name().toLowerCase() + "-level tokenizer, expected " + granularity.name().toLowerCase() + "-level");
        }
        return tokenizer;
    }

    @Override
    public VocabularyTokenizer train(Config settings, PluginContext context, Iterable<String> texts) {
        return train(VocabularyTokenizerSettings.from(settings), texts);
    }

    /** Learns the vocabulary from {@code texts} (the {@code train-from} field of the training set). */
    public VocabularyTokenizer train(VocabularyTokenizerSettings settings, Iterable<String> texts) {
        requireNonNull(settings, "settings is null");
        Vocabulary vocabulary = new VocabularyBuilder(granularity, settings.lowercase())
                .addAll(texts)
                .build(settings.minFrequency(), settings.vocabularySize());
        return new VocabularyTokenizer(vocabulary, granularity, settings.lowercase(), settings.maxLength(),
                settings.addSpecialTokens());
    }
}
