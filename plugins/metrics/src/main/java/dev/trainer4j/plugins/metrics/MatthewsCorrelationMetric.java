package dev.trainer4j.plugins.metrics;

/**
 * The Matthews correlation coefficient ({@code mcc}), multiclass, with scikit-learn's formula over the confusion
 * matrix C: {@code (c·s − Σ p_k t_k) / sqrt((s² − Σ p_k²)(s² − Σ t_k²))} where c is the trace, s the number of
 * samples, t_k the true and p_k the predicted count of class k (all weighted by sample weight); 0 when the
 * denominator is 0. Multilabel indicators are refused, as in scikit-learn.
 */
public final class MatthewsCorrelationMetric extends ClassCountMetric {

    public MatthewsCorrelationMetric() {
        this(InputSettings.DEFAULT);
    }

    public MatthewsCorrelationMetric(InputSettings inputs) {
        super("mcc", inputs, false);
    }

    @Override
    double score(ClassCounts counts) {
        double samples = counts.weight();
        double correct = counts.correct();
        double predictedTimesTrue = 0;
        double predictedSquared = 0;
        double trueSquared = 0;
        for (int label = 0; label < counts.classes(); label++) {
            double truth = counts.support(label);
            double prediction = counts.predictedCount(label);
            predictedTimesTrue += prediction * truth;
            predictedSquared += prediction * prediction;
            trueSquared += truth * truth;
        }
        double covariance = correct * samples - predictedTimesTrue;
        double predictedVariance = samples * samples - predictedSquared;
        double trueVariance = samples * samples - trueSquared;
        if (predictedVariance * trueVariance == 0) {
            return 0.0;
        }
        return covariance / Math.sqrt(predictedVariance * trueVariance);
    }
}
