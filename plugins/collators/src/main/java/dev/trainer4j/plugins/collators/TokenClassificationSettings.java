package dev.trainer4j.plugins.collators;

import com.typesafe.config.Config;
import dev.trainer4j.api.ConfigIntegers;

import static java.util.Objects.requireNonNull;

/**
 * Settings of {@link TokenClassificationCollator}.
 *
 * @param labelsField {@code labels-field}: the examples' labels (per word with word ids, else per token)
 * @param wordIdsField {@code word-ids-field}: per token the index of its word, -1 for special tokens
 * @param labelAllTokens {@code label-all-tokens}: give a word's later tokens its label too (false: -100)
 * @param labelPadTokenId {@code label-pad-token-id}: the label of padding, special and unlabelled tokens
 */
public record TokenClassificationSettings(String labelsField, String wordIdsField, boolean labelAllTokens,
        int labelPadTokenId) {
    public TokenClassificationSettings {
        requireNonNull(labelsField, "labelsField is null");
        requireNonNull(wordIdsField, "wordIdsField is null");
        if (labelsField.isBlank() || wordIdsField.isBlank()) {
            throw new IllegalArgumentException("labels-field and word-ids-field must name fields, got '" + labelsField
                    + "' and '" + wordIdsField + "'");
        }
    }

    static TokenClassificationSettings from(Config settings) {
        return new TokenClassificationSettings(settings.getString("labels-field"), settings.getString("word-ids-field"),
                settings.getBoolean("label-all-tokens"), ConfigIntegers.readInt(settings, "label-pad-token-id"));
    }
}
