package dev.trainer4j.api;

import java.util.Arrays;

import static java.util.Objects.requireNonNull;

/**
 * One encoded text (Hugging Face's {@code Encoding}): parallel arrays, one entry per token.
 *
 * <p>Word ids and offsets are HF's {@code word_ids()} and {@code offset_mapping}: the word a token comes from (the
 * pre-tokenizer's word, or the caller's word when the input was split into words) and the token's characters in the
 * text it was encoded from. In a pair each text counts its own words and characters from 0; {@link #typeIds} tells
 * the texts apart. Special and padding tokens have word id {@value #NO_WORD} and offsets (0, 0).
 *
 * @param ids token ids
 * @param attentionMask 1 for real tokens, 0 for padding
 * @param typeIds segment ids (0 for a single text, 1 for the second text of a pair)
 * @param specialTokensMask 1 where a special token ([CLS], [SEP], padding, ...) was added
 * @param tokens the token strings as the tokenizer's model returns them ({@code [UNK]} where WordPiece knows no piece)
 * @param wordIds the word index of each token, {@value #NO_WORD} for special and padding tokens
 * @param startOffsets the index in the text (a Java {@code char} index) of each token's first character
 * @param endOffsets the index in the text just after each token's last character; {@code text.substring(start, end)}
 *        is the token's surface form
 */
public record Encoding(int[] ids, int[] attentionMask, int[] typeIds, int[] specialTokensMask, String[] tokens,
        int[] wordIds, int[] startOffsets, int[] endOffsets) {
    /** The word id of special and padding tokens (HF: {@code None}). */
    public static final int NO_WORD = -1;

    public Encoding {
        requireNonNull(ids, "ids is null");
        requireNonNull(attentionMask, "attentionMask is null");
        requireNonNull(typeIds, "typeIds is null");
        requireNonNull(specialTokensMask, "specialTokensMask is null");
        requireNonNull(tokens, "tokens is null");
        requireNonNull(wordIds, "wordIds is null");
        requireNonNull(startOffsets, "startOffsets is null");
        requireNonNull(endOffsets, "endOffsets is null");
        int length = ids.length;
        if (attentionMask.length != length || typeIds.length != length || specialTokensMask.length != length
                || tokens.length != length || wordIds.length != length || startOffsets.length != length
                || endOffsets.length != length) {
            throw new IllegalArgumentException("encoding arrays differ in length: ids " + length + ", attentionMask "
                    + attentionMask.length + ", typeIds " + typeIds.length + ", specialTokensMask " + specialTokensMask.length
                    + ", tokens " + tokens.length + ", wordIds " + wordIds.length + ", startOffsets " + startOffsets.length
                    + ", endOffsets " + endOffsets.length);
        }
    }

    /**
     * An encoding without word or offset information (tokenizers that do not track them): every word id is
     * {@value #NO_WORD} and every offset 0.
     */
    public Encoding(int[] ids, int[] attentionMask, int[] typeIds, int[] specialTokensMask, String[] tokens) {
        this(ids, attentionMask, typeIds, specialTokensMask, tokens, filled(ids.length, NO_WORD), new int[ids.length],
                new int[ids.length]);
    }

    public int length() {
        return ids.length;
    }

    private static int[] filled(int length, int value) {
        int[] values = new int[length];
        Arrays.fill(values, value);
        return values;
    }
}
