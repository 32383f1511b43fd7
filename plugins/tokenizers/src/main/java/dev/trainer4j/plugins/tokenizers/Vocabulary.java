package dev.trainer4j.plugins.tokenizers;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * An immutable token vocabulary: the token at index i has id i. The first five tokens are {@link SpecialTokens#ALL}.
 */
public final class Vocabulary {
    private final List<String> tokens;
    private final Map<String, Integer> ids;

    public Vocabulary(List<String> tokens) {
        this.tokens = List.copyOf(requireNonNull(tokens, "tokens is null"));
        if (this.tokens.size() < SpecialTokens.ALL.size() || !this.tokens.subList(0, SpecialTokens.ALL.size()).equals(SpecialTokens.ALL)) {
            throw new IllegalArgumentException("a vocabulary must start with the special tokens " + SpecialTokens.ALL
                    + " at ids 0.." + (SpecialTokens.ALL.size() - 1) + ", got "
                    + this.tokens.subList(0, Math.min(this.tokens.size(), SpecialTokens.ALL.size())));
        }
        Map<String, Integer> index = new HashMap<>();
        for (int id = 0; id < this.tokens.size(); id++) {
            Integer previous = index.put(this.tokens.get(id), id);
            if (previous != null) {
                throw new IllegalArgumentException("token '" + this.tokens.get(id) + "' appears twice in the vocabulary (ids "
                        + previous + " and " + id + ")");
            }
        }
        this.ids = Map.copyOf(index);
    }

    /** Tokens in id order. */
    public List<String> tokens() {
        return tokens;
    }

    public int size() {
        return tokens.size();
    }

    /** The id of {@code token}, or -1. */
    public int id(String token) {
        Integer id = ids.get(token);
        return id == null ? -1 : id;
    }

    /** The id of {@code token}, or the id of {@code [UNK]}. */
    public int idOrUnknown(String token) {
        Integer id = ids.get(token);
        return id == null ? SpecialTokens.UNK_ID : id;
    }

    public String token(int id) {
        if (id < 0 || id >= tokens.size()) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + tokens.size() + ")");
        }
        return tokens.get(id);
    }
}
