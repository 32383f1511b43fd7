package dev.trainer4j.plugins.metrics;

import dev.trainer4j.api.DataException;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Precision, recall or F1 with scikit-learn's averaging (see {@link Average}). Macro and weighted averages run over
 * the classes present in the labels or the predictions; a class that is never predicted has precision 0, a class
 * that never occurs as label has recall 0 (scikit-learn's default zero-division behaviour).
 */
public final class ClassificationScoreMetric extends ClassCountMetric {
    private final ClassificationScore score;
    private final ClassificationSettings settings;

    private ClassificationScoreMetric(ClassificationScore score, ClassificationSettings settings) {
        super(score.metricName());
        this.score = score;
        this.settings = requireNonNull(settings, "settings is null");
    }

    /** {@code precision}: tp / (tp + fp). */
    public static ClassificationScoreMetric precision(ClassificationSettings settings) {
        return new ClassificationScoreMetric(ClassificationScore.PRECISION, settings);
    }

    /** {@code recall}: tp / (tp + fn). */
    public static ClassificationScoreMetric recall(ClassificationSettings settings) {
        return new ClassificationScoreMetric(ClassificationScore.RECALL, settings);
    }

    /** {@code f1}: 2 tp / (2 tp + fp + fn), the harmonic mean of precision and recall. */
    public static ClassificationScoreMetric f1(ClassificationSettings settings) {
        return new ClassificationScoreMetric(ClassificationScore.F1, settings);
    }

    public ClassificationSettings settings() {
        return settings;
    }

    @Override
    double score(ClassCounts counts) {
        List<Integer> present = presentClasses(counts);
        return switch (settings.average()) {
            case BINARY -> binary(counts, present);
            case MICRO -> micro(counts, present);
            case MACRO -> macro(counts, present);
            case WEIGHTED -> weighted(counts, present);
        };
    }

    private double binary(ClassCounts counts, List<Integer> present) {
        int positive = settings.positiveLabel();
        if (present.size() > 2) {
            throw new DataException(name() + ": average = binary needs at most two classes, but the labels"
                    + " and predictions hold classes " + present + "; set average to micro, macro or weighted");
        }
        if (present.size() == 2 && !present.contains(positive)) {
            throw new DataException(name() + ": pos-label = " + positive + " is not one of the classes "
                    + present + " of the labels and predictions");
        }
        return classScore(counts, positive);
    }

    private double micro(ClassCounts counts, List<Integer> present) {
        long truePositives = 0;
        long falsePositives = 0;
        long falseNegatives = 0;
        for (int label : present) {
            truePositives += counts.truePositives(label);
            falsePositives += counts.falsePositives(label);
            falseNegatives += counts.falseNegatives(label);
        }
        return score.of(truePositives, falsePositives, falseNegatives);
    }

    private double macro(ClassCounts counts, List<Integer> present) {
        double sum = 0;
        for (int label : present) {
            sum += classScore(counts, label);
        }
        return sum / present.size();
    }

    private double weighted(ClassCounts counts, List<Integer> present) {
        double sum = 0;
        long support = 0;
        for (int label : present) {
            sum += classScore(counts, label) * counts.support(label);
            support += counts.support(label);
        }
        return support == 0 ? 0.0 : sum / support;
    }

    private double classScore(ClassCounts counts, int label) {
        return score.of(counts.truePositives(label), counts.falsePositives(label), counts.falseNegatives(label));
    }

    private static List<Integer> presentClasses(ClassCounts counts) {
        List<Integer> present = new ArrayList<>();
        for (int label = 0; label < counts.classes(); label++) {
            if (counts.isPresent(label)) {
                present.add(label);
            }
        }
        return present;
    }
}
