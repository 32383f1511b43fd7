package dev.trainer4j.plugins.metrics;

/**
 * A per-class score from the (weighted) true positives, predicted and true counts, as scikit-learn 1.2 divides them:
 * a zero denominator gives the {@link ZeroDivision} value; the F-score is (1 + β²)·P·R / (β²·P + R) from those
 * precision and recall values, 0 when that denominator is 0. With {@code zero-division = nan} the F-score follows
 * scikit-learn 1.3: (1 + β²)·tp / (β²·true + predicted), NaN when there are neither true nor predicted examples.
 */
enum ClassificationScore {
    PRECISION {
        @Override
        double of(double truePositives, double predicted, double actual, double beta, ZeroDivision zeroDivision) {
            return divide(truePositives, predicted, zeroDivision);
        }
    },
    RECALL {
        @Override
        double of(double truePositives, double predicted, double actual, double beta, ZeroDivision zeroDivision) {
            return divide(truePositives, actual, zeroDivision);
        }
    },
    F_SCORE {
        @Override
        double of(double truePositives, double predicted, double actual, double beta, ZeroDivision zeroDivision) {
            double beta2 = beta * beta;
            if (zeroDivision == ZeroDivision.NAN) {
                return divide((1 + beta2) * truePositives, beta2 * actual + predicted, zeroDivision);
            }
            double precision = divide(truePositives, predicted, zeroDivision);
            double recall = divide(truePositives, actual, zeroDivision);
            double denominator = beta2 * precision + recall;
            return (1 + beta2) * precision * recall / (denominator == 0.0 ? 1.0 : denominator);
        }
    };

    abstract double of(double truePositives, double predicted, double actual, double beta, ZeroDivision zeroDivision);

    private static double divide(double numerator, double denominator, ZeroDivision zeroDivision) {
        return denominator == 0.0 ? zeroDivision.value() : numerator / denominator;
    }
}
