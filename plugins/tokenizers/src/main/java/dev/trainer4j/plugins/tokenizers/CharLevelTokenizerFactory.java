package dev.trainer4j.plugins.tokenizers;

/** {@code char-level}: one token per character (whitespace included), vocabulary learned from data. */
public final class CharLevelTokenizerFactory extends VocabularyTokenizerFactory {

    public CharLevelTokenizerFactory() {
        super(Granularity.CHARACTER);
    }

    @Override
    public String name() {
        return "char-level";
    }

    @Override
    public String description() {
        return "character-level tokenizer whose vocabulary is learned from a dataset text field (train-from)";
    }
}
