package dev.trainer4j.plugins.tokenizers;

import com.typesafe.config.Config;
import dev.trainer4j.api.ConfigIntegers;
import dev.trainer4j.api.EncodingOptions;

import java.util.Locale;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Settings of the {@code hf} tokenizer.
 *
 * @param path the {@code tokenizer.json} file (or its folder), relative to the run file's folder, or
 *        {@code classpath:<resource>} for one that comes in a jar with the model
 * @param maxLength truncation length including special tokens; 0 = no truncation
 * @param truncation which text of a pair gives up tokens beyond {@code maxLength} (HF's {@code truncation})
 * @param addSpecialTokens whether encodings get the tokenizer's special tokens ([CLS]/[SEP], &lt;s&gt;, ...)
 * @param padToken the padding token; empty = found from the tokenizer files
 * @param cleanUpTokenizationSpaces whether decoding removes spaces before punctuation and contractions (HF's
 *        {@code clean_up_tokenization_spaces}); empty = from {@code tokenizer_config.json}, else on for WordPiece
 *        (BERT-style) vocabularies and off for others, as transformers' tokenizer classes default it
 */
public record HuggingFaceTokenizerSettings(String path, int maxLength, EncodingOptions.Truncation truncation,
        boolean addSpecialTokens, String padToken, Optional<Boolean> cleanUpTokenizationSpaces) {
    /** The prefix of a {@code path} that names a resource on the class path. */
    public static final String CLASSPATH_PREFIX = "classpath:";

    public HuggingFaceTokenizerSettings {
        requireNonNull(path, "path is null");
        requireNonNull(truncation, "truncation is null");
        requireNonNull(padToken, "padToken is null");
        requireNonNull(cleanUpTokenizationSpaces, "cleanUpTokenizationSpaces is null");
        if (path.isBlank() || path.equals(CLASSPATH_PREFIX)) {
            throw new IllegalArgumentException("tokenizer 'hf' needs 'path', the tokenizer.json file to load (or classpath:<resource>)");
        }
        if (maxLength < 0) {
            throw new IllegalArgumentException("max-length must be 0 (no truncation) or positive, got " + maxLength);
        }
    }

    public static HuggingFaceTokenizerSettings from(Config settings) {
        return new HuggingFaceTokenizerSettings(settings.getString("path"), ConfigIntegers.readInt(settings, "max-length"),
                truncation(settings.getString("truncation")), settings.getBoolean("add-special-tokens"),
                settings.getString("pad-token"), cleanUp(settings.getString("clean-up-tokenization-spaces")));
    }

    /** True when {@code path} names a class-path resource. */
    public boolean onClassPath() {
        return path.startsWith(CLASSPATH_PREFIX);
    }

    static EncodingOptions.Truncation truncation(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "longest-first", "true" -> EncodingOptions.Truncation.LONGEST_FIRST;
            case "only-first" -> EncodingOptions.Truncation.ONLY_FIRST;
            case "only-second" -> EncodingOptions.Truncation.ONLY_SECOND;
            case "none", "false" -> EncodingOptions.Truncation.NONE;
            default -> throw new IllegalArgumentException("truncation '" + value
                    + "' is not allowed; expected longest-first, only-first, only-second or none");
        };
    }

    private static Optional<Boolean> cleanUp(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "" -> Optional.empty();
            case "true" -> Optional.of(true);
            case "false" -> Optional.of(false);
            default -> throw new IllegalArgumentException("clean-up-tokenization-spaces '" + value
                    + "' is not allowed; expected true, false or \"\" (from tokenizer_config.json, else on for WordPiece)");
        };
    }
}
