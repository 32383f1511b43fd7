package dev.trainer4j.plugins.tokenizers;

import dev.trainer4j.spi.Plugin;
import dev.trainer4j.spi.TokenizerFactory;

import java.util.List;

/** Tokenizers: {@code hf} (Hugging Face tokenizer.json via DJL), {@code word-level} and {@code char-level}. */
public final class TokenizersPlugin implements Plugin {

    @Override
    public String name() {
        return "tokenizers";
    }

    @Override
    public List<TokenizerFactory> tokenizerFactories() {
        return List.of(new HuggingFaceTokenizerFactory(), new WordLevelTokenizerFactory(), new CharLevelTokenizerFactory());
    }
}
