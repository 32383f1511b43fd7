package dev.trainer4j.plugins.metrics;

import com.typesafe.config.Config;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.Metric;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * ROUGE F-measures of generated text ({@code rouge}) as Google's {@code rouge_score} computes them per row, averaged
 * over the rows: the text is lower-cased, every run of characters other than {@code a-z0-9} becomes a space, and the
 * tokens are what remains (with {@code use-stemmer}, tokens longer than three characters are Porter-stemmed as NLTK's
 * default {@code PorterStemmer}). {@code rouge<n>} scores clipped n-gram overlap; {@code rougeL} the longest common
 * subsequence of the token lists; {@code rougeLsum} the summary-level LCS over the lines of each text (split on
 * newlines, empty lines dropped), with the union LCS per reference line and each token counted at most as often as
 * it occurs, as ROUGE 1.5.5. Each gives F = 2PR / (P + R) (0 when P + R is 0; 0 for an empty text in the LCS types).
 * Results: one key per entry of {@code rouge-types}, the mean F over the rows. Keeps only the sums of F.
 */
public final class RougeMetric implements Metric {
    private static final Pattern NON_ALPHANUMERIC = Pattern.compile("[^a-z0-9]+");
    private static final Pattern ROUGE_N = Pattern.compile("rouge[1-9]");

    /**
     * @param rougeTypes the scores to report ({@code rouge-types}): {@code rouge1} to {@code rouge9}, {@code rougeL},
     *     {@code rougeLsum}; distinct and not empty
     * @param useStemmer Porter-stem tokens longer than three characters ({@code use-stemmer})
     */
    public record Settings(List<String> rougeTypes, boolean useStemmer) {
        public Settings {
            rougeTypes = List.copyOf(requireNonNull(rougeTypes, "rougeTypes is null"));
            if (rougeTypes.isEmpty() || new LinkedHashSet<>(rougeTypes).size() != rougeTypes.size()) {
                throw new ConfigurationException("rouge-types", rougeTypes, "a non-empty list of distinct ROUGE types");
            }
            for (String type : rougeTypes) {
                if (!ROUGE_N.matcher(type).matches() && !type.equals("rougeL") && !type.equals("rougeLsum")) {
                    throw new ConfigurationException("rouge-types", type,
                            "rouge1 to rouge9, rougeL or rougeLsum");
                }
            }
        }

        /** HF evaluate's defaults: rouge1, rouge2, rougeL, rougeLsum without stemming. */
        public static Settings defaults() {
            return new Settings(List.of("rouge1", "rouge2", "rougeL", "rougeLsum"), false);
        }

        public static Settings from(Config settings) {
            return new Settings(SettingsReader.strings(settings, "rouge-types"),
                    SettingsReader.flag(settings, "use-stemmer"));
        }
    }

    private final Settings settings;
    private final PorterStemmer stemmer = new PorterStemmer();
    private final double[] sums;
    private long rows;

    public RougeMetric(Settings settings) {
        this.settings = requireNonNull(settings, "settings is null");
        this.sums = new double[settings.rougeTypes().size()];
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public String name() {
        return "rouge";
    }

    @Override
    public Set<String> keys() {
        return new LinkedHashSet<>(settings.rougeTypes());
    }

    @Override
    public void reset() {
        Arrays.fill(sums, 0.0);
        rows = 0;
    }

    @Override
    public void update(EvalPrediction batch) {
        TextInputs.require(name(), batch);
        for (int row = 0; row < batch.predictedTexts().size(); row++) {
            String prediction = batch.predictedTexts().get(row);
            String target = batch.labelTexts().get(row);
            List<String> predictionTokens = tokenize(prediction);
            List<String> targetTokens = tokenize(target);
            for (int type = 0; type < sums.length; type++) {
                String rougeType = settings.rougeTypes().get(type);
                if (rougeType.equals("rougeL")) {
                    sums[type] += longestCommonSubsequenceScore(targetTokens, predictionTokens);
                } else if (rougeType.equals("rougeLsum")) {
                    sums[type] += summaryLevelScore(lines(target), lines(prediction));
                } else {
                    int order = rougeType.charAt(5) - '0';
                    sums[type] += ngramScore(WordNgrams.count(targetTokens, order),
                            WordNgrams.count(predictionTokens, order));
                }
            }
            rows++;
        }
    }

    /** rouge_score's tokenizer: lower-case, non-alphanumerics to spaces, optional stemming, empty tokens dropped. */
    List<String> tokenize(String text) {
        String cleaned = NON_ALPHANUMERIC.matcher(text.toLowerCase(Locale.ROOT)).replaceAll(" ");
        List<String> tokens = new ArrayList<>();
        for (String token : cleaned.split(" ")) {
            if (!token.isEmpty()) {
                tokens.add(settings.useStemmer() && token.length() > 3 ? stemmer.stem(token) : token);
            }
        }
        return tokens;
    }

    private List<List<String>> lines(String text) {
        List<List<String>> lines = new ArrayList<>();
        for (String line : text.split("\n", -1)) {
            if (!line.isEmpty()) {
                lines.add(tokenize(line));
            }
        }
        return lines;
    }

    static double fMeasure(double precision, double recall) {
        return precision + recall > 0 ? 2 * precision * recall / (precision + recall) : 0.0;
    }

    private static double ngramScore(Map<String, Integer> target, Map<String, Integer> prediction) {
        long overlap = 0;
        for (Map.Entry<String, Integer> ngram : target.entrySet()) {
            overlap += Math.min(ngram.getValue(), prediction.getOrDefault(ngram.getKey(), 0));
        }
        long targetCount = target.values().stream().mapToLong(Integer::longValue).sum();
        long predictionCount = prediction.values().stream().mapToLong(Integer::longValue).sum();
        double precision = (double) overlap / Math.max(predictionCount, 1);
        double recall = (double) overlap / Math.max(targetCount, 1);
        return fMeasure(precision, recall);
    }

    private static double longestCommonSubsequenceScore(List<String> target, List<String> prediction) {
        if (target.isEmpty() || prediction.isEmpty()) {
            return 0.0;
        }
        int length = lcsTable(target, prediction)[target.size()][prediction.size()];
        return fMeasure((double) length / prediction.size(), (double) length / target.size());
    }

    private static int[][] lcsTable(List<String> reference, List<String> candidate) {
        int[][] table = new int[reference.size() + 1][candidate.size() + 1];
        for (int i = 1; i <= reference.size(); i++) {
            for (int j = 1; j <= candidate.size(); j++) {
                table[i][j] = reference.get(i - 1).equals(candidate.get(j - 1)) ? table[i - 1][j - 1] + 1
                        : Math.max(table[i - 1][j], table[i][j - 1]);
            }
        }
        return table;
    }

    /** rouge_score's {@code _backtrack_norec}: the reference positions of one longest common subsequence. */
    private static List<Integer> lcsPositions(List<String> reference, List<String> candidate) {
        int[][] table = lcsTable(reference, candidate);
        List<Integer> positions = new ArrayList<>();
        int i = reference.size();
        int j = candidate.size();
        while (i > 0 && j > 0) {
            if (reference.get(i - 1).equals(candidate.get(j - 1))) {
                positions.add(0, i - 1);
                i--;
                j--;
            } else if (table[i][j - 1] > table[i - 1][j]) {
                j--;
            } else {
                i--;
            }
        }
        return positions;
    }

    /** rouge_score's {@code _summary_level_lcs} (ROUGE-Lsum). */
    private static double summaryLevelScore(List<List<String>> referenceLines, List<List<String>> candidateLines) {
        if (referenceLines.isEmpty() || candidateLines.isEmpty()) {
            return 0.0;
        }
        int referenceTokens = referenceLines.stream().mapToInt(List::size).sum();
        int candidateTokens = candidateLines.stream().mapToInt(List::size).sum();
        if (referenceTokens == 0 || candidateTokens == 0) {
            return 0.0;
        }
        Map<String, Integer> referenceCounts = new HashMap<>();
        Map<String, Integer> candidateCounts = new HashMap<>();
        referenceLines.forEach(line -> line.forEach(token -> referenceCounts.merge(token, 1, Integer::sum)));
        candidateLines.forEach(line -> line.forEach(token -> candidateCounts.merge(token, 1, Integer::sum)));
        int hits = 0;
        for (List<String> referenceLine : referenceLines) {
            TreeSet<Integer> union = new TreeSet<>();
            for (List<String> candidateLine : candidateLines) {
                union.addAll(lcsPositions(referenceLine, candidateLine));
            }
            for (int position : union) {
                String token = referenceLine.get(position);
                if (candidateCounts.getOrDefault(token, 0) > 0 && referenceCounts.getOrDefault(token, 0) > 0) {
                    hits++;
                    candidateCounts.merge(token, -1, Integer::sum);
                    referenceCounts.merge(token, -1, Integer::sum);
                }
            }
        }
        return fMeasure((double) hits / candidateTokens, (double) hits / referenceTokens);
    }

    @Override
    public Map<String, Double> compute() {
        Map<String, Double> result = new LinkedHashMap<>();
        for (int type = 0; type < sums.length; type++) {
            result.put(settings.rougeTypes().get(type), rows == 0 ? Double.NaN : sums[type] / rows);
        }
        return result;
    }
}
