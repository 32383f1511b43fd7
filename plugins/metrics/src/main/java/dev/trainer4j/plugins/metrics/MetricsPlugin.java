package dev.trainer4j.plugins.metrics;

import dev.trainer4j.spi.MetricFactory;
import dev.trainer4j.spi.Plugin;

import java.util.List;

/**
 * The bundled streaming metrics: {@code accuracy}, {@code precision}, {@code recall}, {@code f1}, {@code mcc},
 * {@code top-k-accuracy}, {@code mse}, {@code mae}, {@code r2}, {@code exact-match} and {@code seqeval}. Each keeps
 * bounded state (counters per class or running sums), never the predictions. Defaults live under
 * {@code trainer4j.plugins.metrics.<name>} in this module's {@code reference.conf}.
 */
public final class MetricsPlugin implements Plugin {

    @Override
    public String name() {
        return "metrics";
    }

    @Override
    public List<MetricFactory> metricFactories() {
        return List.of(
                new NamedMetricFactory("accuracy", "share of examples whose predicted class is the label",
                        settings -> new AccuracyMetric()),
                new NamedMetricFactory("precision", "tp / (tp + fp); average = binary|micro|macro|weighted",
                        settings -> ClassificationScoreMetric.precision(ClassificationSettings.from(settings))),
                new NamedMetricFactory("recall", "tp / (tp + fn); average = binary|micro|macro|weighted",
                        settings -> ClassificationScoreMetric.recall(ClassificationSettings.from(settings))),
                new NamedMetricFactory("f1", "harmonic mean of precision and recall; average = binary|micro|macro|weighted",
                        settings -> ClassificationScoreMetric.f1(ClassificationSettings.from(settings))),
                new NamedMetricFactory("mcc", "Matthews correlation coefficient (multiclass)",
                        settings -> new MatthewsCorrelationMetric()),
                new NamedMetricFactory("top-k-accuracy", "share of labels among the k highest logits",
                        settings -> new TopKAccuracyMetric(SettingsReader.integer(settings, "k"))),
                new NamedMetricFactory("mse", "mean squared error", settings -> RegressionMetric.meanSquaredError()),
                new NamedMetricFactory("mae", "mean absolute error", settings -> RegressionMetric.meanAbsoluteError()),
                new NamedMetricFactory("r2", "coefficient of determination, 1 - SSres/SStot",
                        settings -> RegressionMetric.r2()),
                new NamedMetricFactory("exact-match", "share of sequences predicted exactly, -100 ignored",
                        settings -> new ExactMatchMetric()),
                new NamedMetricFactory("seqeval", "entity-level precision/recall/F1 (micro) and accuracy of IOB2 tags"
                        + " named by label-names, as seqeval", SeqevalMetric::fromSettings));
    }
}
