package dev.trainer4j.api;

import java.nio.file.Path;
import java.util.List;

/**
 * Turns text into token ids. Implementations are thread-safe; {@link #encodeBatch} may encode in parallel.
 */
public interface Tokenizer {

    /** Encodes one text with the tokenizer's special tokens, truncated to {@link #maxLength()} when set. */
    Encoding encode(String text);

    /** Encodes a text pair (e.g. premise and hypothesis). */
    default Encoding encodePair(String text, String pair) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not encode pairs");
    }

    /** Encodes many texts; the order of the results is the order of the texts. */
    default List<Encoding> encodeBatch(List<String> texts) {
        return texts.parallelStream().map(this::encode).toList();
    }

    /** The text of {@code ids}, without special tokens when {@code skipSpecialTokens}. */
    String decode(int[] ids, boolean skipSpecialTokens);

    /** The number of ids, special tokens included. */
    int vocabularySize();

    /** The id of a token, or -1 when the vocabulary lacks it. */
    int tokenToId(String token);

    /** The padding token's id. */
    int padTokenId();

    /** Maximum number of tokens an encoding keeps, or 0 for no truncation. */
    int maxLength();

    /** Writes the tokenizer as a Hugging Face {@code tokenizer.json}. */
    void save(Path tokenizerJson);
}
