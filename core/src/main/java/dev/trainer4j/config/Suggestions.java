package dev.trainer4j.config;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** "Did you mean" suggestions: the valid names nearest to a misspelt one (Damerau-Levenshtein distance). */
public final class Suggestions {
    /** At most this many suggestions. */
    public static final int MAX_SUGGESTIONS = 3;

    private Suggestions() {
    }

    /**
     * Up to {@value #MAX_SUGGESTIONS} candidates near {@code given}, nearest first: within an edit distance of
     * {@code max(2, length / 3)}, or containing {@code given} (or contained in it) as a whole word part.
     */
    public static List<String> nearest(String given, Collection<String> candidates) {
        String normalized = normalize(given);
        int limit = Math.max(2, normalized.length() / 3);
        record Scored(String name, int distance) {
        }
        return candidates.stream()
                .filter(candidate -> !candidate.equals(given))
                .map(candidate -> new Scored(candidate, distance(normalized, normalize(candidate))))
                .filter(scored -> scored.distance() <= limit || sharesWordPart(normalized, normalize(scored.name())))
                .sorted(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name))
                .limit(MAX_SUGGESTIONS)
                .map(Scored::name)
                .toList();
    }

    /** {@code "; did you mean 'a' or 'b'?"}, or an empty string when nothing is near. */
    public static String didYouMean(String given, Collection<String> candidates) {
        List<String> nearest = nearest(given, candidates);
        if (nearest.isEmpty()) {
            return "";
        }
        StringBuilder text = new StringBuilder("; did you mean ");
        for (int i = 0; i < nearest.size(); i++) {
            if (i > 0) {
                text.append(i == nearest.size() - 1 ? " or " : ", ");
            }
            text.append('\'').append(nearest.get(i)).append('\'');
        }
        return text.append('?').toString();
    }

    private static String normalize(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    private static boolean sharesWordPart(String given, String candidate) {
        if (given.length() < 4 || candidate.length() < 4) {
            return false;
        }
        return ("-" + candidate + "-").contains("-" + given + "-") || ("-" + given + "-").contains("-" + candidate + "-");
    }

    /** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
