package dev.trainer4j.plugins.tokenizers;

import com.typesafe.config.Config;
import dev.trainer4j.api.Tokenizer;
import dev.trainer4j.spi.PluginContext;
import dev.trainer4j.spi.TokenizerFactory;

/**
 * {@code hf}: loads a Hugging Face {@code tokenizer.json} (a file, a folder, or {@code classpath:<resource>} for the one
 * that comes in a jar with the model) and runs it through DJL, offline.
 */
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
        if (parsed.onClassPath()) {
            ClassLoader loader = Thread.currentThread().getContextClassLoader();
            return HuggingFaceJsonTokenizer.loadResource(parsed.path().substring(HuggingFaceTokenizerSettings.CLASSPATH_PREFIX.length()),
                    loader != null ? loader : HuggingFaceTokenizerFactory.class.getClassLoader(), parsed);
        }
        return HuggingFaceJsonTokenizer.load(context.resolve(parsed.path()), parsed);
    }
}
