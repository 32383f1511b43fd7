package dev.trainer4j.api;

import static java.util.Objects.requireNonNull;

/**
 * One encoded text.
 *
 * @param ids token ids
 * @param attentionMask 1 for real tokens (all ones before padding)
 * @param typeIds segment ids (0 for a single text)
 * @param specialTokensMask 1 where a special token ([CLS], [SEP], ...) was added
 * @param tokens the token strings
 */
public record Encoding(int[] ids, int[] attentionMask, int[] typeIds, int[] specialTokensMask, String[] tokens) {
    public Encoding {
        requireNonNull(ids, "ids is null");
        requireNonNull(attentionMask, "attentionMask is null");
        requireNonNull(typeIds, "typeIds is null");
        requireNonNull(specialTokensMask, "specialTokensMask is null");
        requireNonNull(tokens, "tokens is null");
        if (attentionMask.length != ids.length || typeIds.length != ids.length || specialTokensMask.length != ids.length
                || tokens.length != ids.length) {
            throw new IllegalArgumentException("encoding arrays differ in length");
        }
    }

    public int length() {
        return ids.length;
    }
}
