package dev.trainer4j.plugins.tokenizers;

import com.typesafe.config.Config;
import dev.trainer4j.api.Tokenizer;
import dev.trainer4j.spi.PluginContext;
import dev.trainer4j.spi.TokenizerFactory;

/** {@code hf}: loads a Hugging Face {@code tokenizer.json} and runs it through DJL, offline. */
public final class HuggingFaceTokenizerFactory implements TokenizerFactory {

    @Override
    public String name() {
        return "hf";
    }

    @Override
    public String description() {
        return "a Hugging Face tokenizer.json (WordPiece, BPE, Unigram, ...) run by the Rust tokenizers library via DJL";
    }

    @Override
    public Tokenizer create(Config settings, PluginContext context) {
        HuggingFaceTokenizerSettings parsed = HuggingFaceTokenizerSettings.from(settings);
        return HuggingFaceJsonTokenizer.load(context.resolve(parsed.path()), parsed.maxLength(), parsed.addSpecialTokens(),
                parsed.padToken());
    }
}
