package dev.trainer4j.plugins.tokenizers;

import dev.trainer4j.api.ConfigIntegers;
import com.typesafe.config.Config;

import static java.util.Objects.requireNonNull;

/**
 * Settings of the {@code hf} tokenizer.
 *
 * @param path the {@code tokenizer.json} file (or its folder), relative to the run file's folder
 * @param maxLength truncation length including special tokens; 0 = no truncation
 * @param addSpecialTokens whether encodings get the tokenizer's special tokens ([CLS]/[SEP], &lt;s&gt;, ...)
 * @param padToken the padding token; empty = found from the tokenizer files
 */
public record HuggingFaceTokenizerSettings(String path, int maxLength, boolean addSpecialTokens, String padToken) {
    public HuggingFaceTokenizerSettings {
        requireNonNull(path, "path is null");
        requireNonNull(padToken, "padToken is null");
        if (path.isBlank()) {
            throw new IllegalArgumentException("tokenizer 'hf' needs 'path', the tokenizer.json file to load");
        }
        if (maxLength < 0) {
            throw new IllegalArgumentException("max-length must be 0 (no truncation) or positive, got " + maxLength);
        }
    }

    public static HuggingFaceTokenizerSettings from(Config settings) {
        return new HuggingFaceTokenizerSettings(settings.getString("path"), ConfigIntegers.readInt(settings, "max-length"),
                settings.getBoolean("add-special-tokens"), settings.getString("pad-token"));
    }
}
