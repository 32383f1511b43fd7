package dev.trainer4j.plugins.tokenizers;

/** {@code word-level}: a vocabulary of words and punctuation runs (HF {@code Whitespace} pre-tokenizer) learned from data. */
public final class WordLevelTokenizerFactory extends VocabularyTokenizerFactory {

    public WordLevelTokenizerFactory() {
        super(Granularity.WORD);
    }

    @Override
    public String name() {
        return "word-level";
    }

    @Override
    public String description() {
        return "word-level tokenizer whose vocabulary is learned from a dataset text field (train-from)";
    }
}
