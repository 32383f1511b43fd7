package dev.trainer4j.plugins.metrics;

import java.util.Locale;

/** A per-class score from true positives, false positives and false negatives; 0 when undefined (as sklearn). */
enum ClassificationScore {
    PRECISION {
        @Override
        double of(long truePositives, long falsePositives, long falseNegatives) {
            long predicted = truePositives + falsePositives;
            return predicted == 0 ? 0.0 : (double) truePositives / predicted;
        }
    },
    RECALL {
        @Override
        double of(long truePositives, long falsePositives, long falseNegatives) {
            long actual = truePositives + falseNegatives;
            return actual == 0 ? 0.0 : (double) truePositives / actual;
        }
    },
    F1 {
        @Override
        double of(long truePositives, long falsePositives, long falseNegatives) {
            long denominator = 2 * truePositives + falsePositives + falseNegatives;
            return denominator == 0 ? 0.0 : 2.0 * truePositives / denominator;
        }
    };

    abstract double of(long truePositives, long falsePositives, long falseNegatives);

    /** The metric name and result key, e.g. {@code f1}. */
    String metricName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
