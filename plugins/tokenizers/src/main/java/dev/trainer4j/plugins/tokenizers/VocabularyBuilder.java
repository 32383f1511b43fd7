package dev.trainer4j.plugins.tokenizers;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * Counts tokens in training texts and builds a {@link Vocabulary}: the special tokens at ids 0..4, then every token
 * seen at least {@code minFrequency} times, by frequency (descending) then token (ascending), cut to
 * {@code maxSize} entries in all. {@link #add} may be called from several threads at once.
 */
public final class VocabularyBuilder {
    private final TextSplitter splitter;
    private final Map<String, Long> counts = new ConcurrentHashMap<>();

    public VocabularyBuilder(Granularity granularity, boolean lowercase) {
        this.splitter = new TextSplitter(granularity, lowercase);
    }

    /** Counts the tokens of one text (special-token literals in it are not counted). */
    public VocabularyBuilder add(String text) {
        for (TextSplitter.Piece piece : splitter.split(requireNonNull(text, "text is null"))) {
            if (!piece.special()) {
                counts.merge(piece.token(), 1L, Long::sum);
            }
        }
        return this;
    }

    public VocabularyBuilder addAll(Iterable<String> texts) {
        requireNonNull(texts, "texts is null");
        for (String text : texts) {
            add(text);
        }
        return this;
    }

    /** How often each token was seen so far (a snapshot). */
    public Map<String, Long> counts() {
        return Map.copyOf(counts);
    }

    public Vocabulary build(int minFrequency, int maxSize) {
        if (minFrequency < 1) {
            throw new IllegalArgumentException("min-frequency must be at least 1, got " + minFrequency);
        }
        if (maxSize < SpecialTokens.ALL.size()) {
            throw new IllegalArgumentException("vocab-size must be at least " + SpecialTokens.ALL.size()
                    + " (the special tokens), got " + maxSize);
        }
        List<Map.Entry<String, Long>> entries = new ArrayList<>(counts.entrySet());
        entries.sort(Comparator.<Map.Entry<String, Long>>comparingLong(Map.Entry::getValue).reversed()
                .thenComparing(Map.Entry::getKey));
        List<String> tokens = new ArrayList<>(SpecialTokens.ALL);
        for (Map.Entry<String, Long> entry : entries) {
            if (tokens.size() >= maxSize || entry.getValue() < minFrequency) {
                break;
            }
            tokens.add(entry.getKey());
        }
        return new Vocabulary(tokens);
    }
}
