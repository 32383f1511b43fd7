package dev.trainer4j.plugins.metrics;

import java.util.Arrays;
import java.util.Comparator;

/**
 * ROC-AUC and average precision of one binary problem, as scikit-learn 1.2's {@code _binary_clf_curve}: zero-weight
 * examples are dropped, scores sorted descending, and the (weighted) true and false positive counts taken at each
 * distinct score (tied examples enter together). ROC-AUC is the trapezoid area under (fpr, tpr) from (0, 0) over
 * those thresholds; average precision is the step sum Σ (R_n − R_{n−1}) P_n (recall 1 at every threshold when there
 * is no positive, as scikit-learn).
 */
final class BinaryRanking {
    private final double[] truePositives;
    private final double[] falsePositives;

    /**
     * @param scores the score of each example
     * @param positive whether each example is positive
     * @param weights each example's weight, or null (all 1)
     */
    BinaryRanking(double[] scores, boolean[] positive, double[] weights) {
        Integer[] order = new Integer[scores.length];
        int kept = 0;
        for (int index = 0; index < scores.length; index++) {
            if (weights == null || weights[index] != 0) {
                order[kept++] = index;
            }
        }
        Integer[] sorted = Arrays.copyOf(order, kept);
        Arrays.sort(sorted, Comparator.comparingDouble((Integer index) -> scores[index]).reversed());
        double[] tps = new double[kept];
        double[] fps = new double[kept];
        int thresholds = 0;
        double truePositiveSum = 0;
        double falsePositiveSum = 0;
        for (int position = 0; position < kept; position++) {
            int index = sorted[position];
            double weight = weights == null ? 1.0 : weights[index];
            if (positive[index]) {
                truePositiveSum += weight;
            } else {
                falsePositiveSum += weight;
            }
            boolean lastOfScore = position == kept - 1 || scores[sorted[position + 1]] != scores[index];
            if (lastOfScore) {
                tps[thresholds] = truePositiveSum;
                fps[thresholds] = falsePositiveSum;
                thresholds++;
            }
        }
        this.truePositives = Arrays.copyOf(tps, thresholds);
        this.falsePositives = Arrays.copyOf(fps, thresholds);
    }

    boolean hasPositives() {
        return truePositives.length > 0 && truePositives[truePositives.length - 1] > 0;
    }

    boolean hasNegatives() {
        return falsePositives.length > 0 && falsePositives[falsePositives.length - 1] > 0;
    }

    /** The area under the ROC curve; NaN without positives or negatives. */
    double rocAuc() {
        if (!hasPositives() || !hasNegatives()) {
            return Double.NaN;
        }
        double totalPositives = truePositives[truePositives.length - 1];
        double totalNegatives = falsePositives[falsePositives.length - 1];
        double area = 0;
        double previousFpr = 0;
        double previousTpr = 0;
        for (int threshold = 0; threshold < truePositives.length; threshold++) {
            double fpr = falsePositives[threshold] / totalNegatives;
            double tpr = truePositives[threshold] / totalPositives;
            area += (fpr - previousFpr) * (tpr + previousTpr) / 2;
            previousFpr = fpr;
            previousTpr = tpr;
        }
        return area;
    }

    /** Average precision, the step sum over thresholds in descending score order. */
    double averagePrecision() {
        if (truePositives.length == 0) {
            return Double.NaN;
        }
        double totalPositives = truePositives[truePositives.length - 1];
        double sum = 0;
        double previousRecall = 0;
        for (int threshold = 0; threshold < truePositives.length; threshold++) {
            double predicted = truePositives[threshold] + falsePositives[threshold];
            double precision = predicted == 0 ? 0 : truePositives[threshold] / predicted;
            double recall = totalPositives == 0 ? 1 : truePositives[threshold] / totalPositives;
            sum += (recall - previousRecall) * precision;
            previousRecall = recall;
        }
        return sum;
    }
}
