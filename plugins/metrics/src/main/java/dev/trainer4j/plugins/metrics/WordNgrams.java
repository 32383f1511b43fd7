package dev.trainer4j.plugins.metrics;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Counts of word n-grams, keyed by their words joined with single spaces (words hold no whitespace). */
final class WordNgrams {
    private WordNgrams() {
    }

    /** How often each n-gram of {@code order} words occurs in {@code words}. */
    static Map<String, Integer> count(List<String> words, int order) {
        Map<String, Integer> counts = new HashMap<>();
        addTo(counts, words, order);
        return counts;
    }

    /** Adds the n-grams of {@code order} words in {@code words} to {@code counts}. */
    static void addTo(Map<String, Integer> counts, List<String> words, int order) {
        for (int start = 0; start + order <= words.size(); start++) {
            counts.merge(String.join(" ", words.subList(start, start + order)), 1, Integer::sum);
        }
    }
}
