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

    /**
     * Encodes a text already split into words (HF's {@code is_split_into_words=True}): each word is normalized and
     * cut into tokens on its own, {@link Encoding#wordIds()} give the index of the word in {@code words}, and the
     * offsets of a token count characters within its own word.
     */
    default Encoding encodeWords(List<String> words) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not encode texts split into words");
    }

    /** Encodes many texts; the order of the results is the order of the texts. */
    default List<Encoding> encodeBatch(List<String> texts) {
        return texts.parallelStream().map(this::encode).toList();
    }

    /**
     * Encodes a batch as HF's {@code tokenizer(texts, text_pair=pairs, padding=..., truncation=..., max_length=...)}:
     * with {@link EncodingOptions.Padding#LONGEST} or {@link EncodingOptions.Padding#MAX_LENGTH} every encoding of the
     * batch has the same length, padding marked by attention mask 0.
     *
     * @param pairs the second text of each pair, or {@code null} for single texts
     */
    default List<Encoding> encodeBatch(List<String> texts, List<String> pairs, EncodingOptions options) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not take encoding options");
    }

    /** Decodes ids back into text (special tokens dropped when {@code skipSpecialTokens}). */
    String decode(int[] ids, boolean skipSpecialTokens);

    /** The number of ids the tokenizer can produce: its largest id plus one (a model's embedding needs as many rows). */
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
