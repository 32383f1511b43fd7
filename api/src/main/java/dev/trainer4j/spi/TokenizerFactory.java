package dev.trainer4j.spi;

import dev.trainer4j.api.Tokenizer;

/** Makes a {@link Tokenizer} (config kind {@code tokenizers}), e.g. {@code hf} or {@code word-level}. */
public interface TokenizerFactory extends NamedFactory<Tokenizer> {
}
