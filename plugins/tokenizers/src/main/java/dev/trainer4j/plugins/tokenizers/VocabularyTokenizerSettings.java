package dev.trainer4j.plugins.tokenizers;

import dev.trainer4j.api.ConfigIntegers;
import com.typesafe.config.Config;

import static java.util.Objects.requireNonNull;

/**
 * Settings of the {@code word-level} and {@code char-level} tokenizers.
 *
 * @param minFrequency a token enters the vocabulary when seen at least this often
 * @param vocabularySize the largest vocabulary, special tokens included (key {@code vocab-size})
 * @param lowercase whether text is lowercased before splitting
 * @param maxLength truncation length including [CLS]/[SEP]; 0 = no truncation
 * @param addSpecialTokens whether encodings are {@code [CLS] ... [SEP]}
 * @param trainFrom the dataset text field the vocabulary is learned from
 * @param path a saved {@code tokenizer.json} to load instead of training; empty = train
 */
public record VocabularyTokenizerSettings(int minFrequency, int vocabularySize, boolean lowercase, int maxLength,
        boolean addSpecialTokens, String trainFrom, String path) {
    public VocabularyTokenizerSettings {
        requireNonNull(trainFrom, "trainFrom is null");
        requireNonNull(path, "path is null");
        if (minFrequency < 1) {
            throw new IllegalArgumentException("min-frequency must be at least 1, got " + minFrequency);
        }
        if (vocabularySize < SpecialTokens.ALL.size()) {
            throw new IllegalArgumentException("vocab-size must be at least " + SpecialTokens.ALL.size()
                    + " (the special tokens), got " + vocabularySize);
        }
        if (maxLength < 0) {
            throw new IllegalArgumentException("max-length must be 0 (no truncation) or positive, got " + maxLength);
        }
        if (path.isBlank() && trainFrom.isBlank()) {
            throw new IllegalArgumentException("set either 'train-from' (a dataset text field to learn the vocabulary from) or 'path' (a saved tokenizer.json)");
        }
    }

    public static VocabularyTokenizerSettings from(Config settings) {
        return new VocabularyTokenizerSettings(ConfigIntegers.readInt(settings, "min-frequency"), ConfigIntegers.readInt(settings, "vocab-size"),
                settings.getBoolean("lowercase"), ConfigIntegers.readInt(settings, "max-length"), settings.getBoolean("add-special-tokens"),
                settings.getString("train-from"), settings.getString("path"));
    }

    /** True when the vocabulary is to be learned from data rather than loaded. */
    public boolean trains() {
        return path.isBlank();
    }
}
