package dev.trainer4j.tf.models;

import com.typesafe.config.Config;
import dev.trainer4j.api.GenerationConfig;
import dev.trainer4j.api.Tokenizer;
import dev.trainer4j.spi.PluginContext;

import java.util.Optional;

/** What the generative models' factories read alike: the vocabulary size and the model's generation config. */
final class GenerativeSettings {
    static final String GENERATION_CONFIG = "generation-config";

    private GenerativeSettings() {
    }

    /** {@code vocab-size}, or the run's tokenizer's vocabulary size when it is not given. */
    static int vocabSize(SettingsReader reader, PluginContext context) {
        Optional<Tokenizer> tokenizer = tokenizer(context);
        if (reader.has("vocab-size") || tokenizer.isEmpty()) {
            return reader.integer("vocab-size", "an integer > 0 (or a tokenizer in the run to take it from)");
        }
        return tokenizer.get().vocabularySize();
    }

    /**
     * The block's {@code generation-config} (empty when absent); a pad id it does not set comes from the run's
     * tokenizer.
     */
    static GenerationConfig generationConfig(Config settings, PluginContext context) {
        GenerationConfig config = settings.hasPath(GENERATION_CONFIG)
                ? GenerationConfig.fromConfig(settings.getConfig(GENERATION_CONFIG), GENERATION_CONFIG)
                : GenerationConfig.empty();
        Optional<Tokenizer> tokenizer = tokenizer(context);
        if (config.padTokenId() == null && tokenizer.isPresent()) {
            config = config.with(GenerationConfig.PAD_TOKEN_ID, tokenizer.get().padTokenId());
        }
        return config;
    }

    private static Optional<Tokenizer> tokenizer(PluginContext context) {
        return context == null ? Optional.empty() : context.tokenizer();
    }
}
