package dev.trainer4j.api;

import static java.util.Objects.requireNonNull;

/**
 * How a batch is encoded, as Hugging Face's {@code tokenizer(texts, padding=..., truncation=..., max_length=...)}
 * takes it.
 *
 * @param padding how the encodings of a batch are padded
 * @param truncation which text of a pair gives up tokens when an encoding is longer than {@code maxLength}
 * @param maxLength the longest encoding, special tokens included (and the padded length of
 *        {@link Padding#MAX_LENGTH}); 0 = the tokenizer's own {@link Tokenizer#maxLength()}
 * @param padToMultipleOf pads every encoding up to a multiple of this (0 = no rounding)
 * @param addSpecialTokens whether the tokenizer's special tokens ([CLS], [SEP], ...) are added
 */
public record EncodingOptions(Padding padding, Truncation truncation, int maxLength, int padToMultipleOf,
        boolean addSpecialTokens) {

    /** HF's {@code padding}: {@code False}, {@code 'longest'} (or {@code True}), {@code 'max_length'}. */
    public enum Padding {
        /** No padding (HF's default). */
        NONE,
        /** Pads to the longest encoding of the batch. */
        LONGEST,
        /** Pads to {@code maxLength}. */
        MAX_LENGTH
    }

    /** HF's {@code truncation}: {@code False}, {@code 'longest_first'} (or {@code True}), {@code 'only_first'}, {@code 'only_second'}. */
    public enum Truncation {
        /** No truncation. */
        NONE,
        /** Takes tokens from the longer text of a pair first (the only choice for a single text). */
        LONGEST_FIRST,
        /** Truncates only the first text of a pair. */
        ONLY_FIRST,
        /** Truncates only the second text of a pair. */
        ONLY_SECOND
    }

    public EncodingOptions {
        requireNonNull(padding, "padding is null");
        requireNonNull(truncation, "truncation is null");
        if (maxLength < 0) {
            throw new IllegalArgumentException("max-length must be 0 (the tokenizer's own) or positive, got " + maxLength);
        }
        if (padToMultipleOf < 0) {
            throw new IllegalArgumentException("pad-to-multiple-of must be 0 (none) or positive, got " + padToMultipleOf);
        }
    }

    /** HF's defaults: special tokens, no padding, no truncation. */
    public static EncodingOptions defaults() {
        return new EncodingOptions(Padding.NONE, Truncation.NONE, 0, 0, true);
    }

    public EncodingOptions withPadding(Padding newPadding) {
        return new EncodingOptions(newPadding, truncation, maxLength, padToMultipleOf, addSpecialTokens);
    }

    public EncodingOptions withTruncation(Truncation newTruncation) {
        return new EncodingOptions(padding, newTruncation, maxLength, padToMultipleOf, addSpecialTokens);
    }

    public EncodingOptions withMaxLength(int newMaxLength) {
        return new EncodingOptions(padding, truncation, newMaxLength, padToMultipleOf, addSpecialTokens);
    }

    public EncodingOptions withPadToMultipleOf(int multiple) {
        return new EncodingOptions(padding, truncation, maxLength, multiple, addSpecialTokens);
    }

    public EncodingOptions withAddSpecialTokens(boolean add) {
        return new EncodingOptions(padding, truncation, maxLength, padToMultipleOf, add);
    }
}
