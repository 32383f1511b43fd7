package dev.trainer4j.plugins.collators;

import dev.trainer4j.spi.CollatorFactory;
import dev.trainer4j.spi.Plugin;

import java.util.List;

/**
 * Collators: {@code padding}, {@code seq2seq}, {@code language-modeling} and {@code token-classification} (HF's data
 * collators).
 */
public final class CollatorsPlugin implements Plugin {

    @Override
    public String name() {
        return "collators";
    }

    @Override
    public List<CollatorFactory> collatorFactories() {
        return List.of(new PaddingCollatorFactory(), new Seq2SeqCollatorFactory(), new LanguageModelingCollatorFactory(),
                new TokenClassificationCollatorFactory());
    }
}
