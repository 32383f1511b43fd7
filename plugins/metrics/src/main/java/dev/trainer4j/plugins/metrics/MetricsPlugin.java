package dev.trainer4j.plugins.metrics;

import dev.trainer4j.spi.MetricFactory;
import dev.trainer4j.spi.Plugin;

import java.util.List;

/**
 * The bundled streaming metrics: {@code accuracy}, {@code precision}, {@code recall}, {@code f1}, {@code fbeta},
 * {@code mcc}, {@code cohen-kappa}, {@code hamming-loss}, {@code confusion-matrix}, {@code log-loss},
 * {@code brier-score}, {@code roc-auc}, {@code average-precision}, {@code top-k-accuracy}, {@code mse}, {@code mae},
 * {@code r2}, {@code exact-match} and {@code seqeval} (entity-level, as the seqeval package), with scikit-learn's definitions and options,
 * and the text metrics of generated output {@code sacrebleu}, {@code chrf}, {@code ter} (sacreBLEU 2.x) and
 * {@code rouge} (Google's rouge_score). Each keeps bounded state
 * (counters per class, a confusion matrix or running sums), except {@code roc-auc} and {@code average-precision},
 * which keep every score up to {@code max-stored-scores}. Defaults live under
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
                new NamedMetricFactory("accuracy", "share of examples predicted right (multilabel: subset accuracy)",
                        settings -> new AccuracyMetric(InputSettings.from(settings))),
                new NamedMetricFactory("precision", "tp / (tp + fp); average = none|binary|micro|macro|weighted|samples",
                        settings -> ClassificationScoreMetric.precision(ClassificationSettings.from(settings))),
                new NamedMetricFactory("recall", "tp / (tp + fn); average = none|binary|micro|macro|weighted|samples",
                        settings -> ClassificationScoreMetric.recall(ClassificationSettings.from(settings))),
                new NamedMetricFactory("f1", "harmonic mean of precision and recall; average as precision",
                        settings -> ClassificationScoreMetric.f1(ClassificationSettings.from(settings))),
                new NamedMetricFactory("fbeta", "F-beta score, recall weighted beta times; average as precision",
                        settings -> ClassificationScoreMetric.fbeta(ClassificationSettings.from(settings))),
                new NamedMetricFactory("mcc", "Matthews correlation coefficient (multiclass)",
                        settings -> new MatthewsCorrelationMetric(new InputSettings(
                                InputSettings.weightColumn(settings), 0.0))),
                new NamedMetricFactory("cohen-kappa", "Cohen's kappa; weights = none|linear|quadratic",
                        settings -> new CohenKappaMetric(CohenKappaMetric.Settings.from(settings))),
                new NamedMetricFactory("hamming-loss", "share of wrong labels (multilabel: of wrong indicators)",
                        settings -> new HammingLossMetric(InputSettings.from(settings))),
                new NamedMetricFactory("confusion-matrix", "one key per cell, confusion-matrix/<true>/<predicted>",
                        settings -> new ConfusionMatrixMetric(ConfusionMatrixMetric.Settings.from(settings))),
                new NamedMetricFactory("log-loss", "mean negative log-likelihood of the true class, clipped as sklearn",
                        settings -> new LogLossMetric(LogLossMetric.Settings.from(settings))),
                new NamedMetricFactory("brier-score", "mean squared error of the positive class's probability",
                        settings -> new BrierScoreMetric(BrierScoreMetric.Settings.from(settings))),
                new NamedMetricFactory("roc-auc", "area under the ROC curve; binary or one-vs-rest",
                        settings -> RankingMetric.rocAuc(RankingMetric.Settings.from(settings))),
                new NamedMetricFactory("average-precision", "PR-AUC as sklearn's step sum; binary or one-vs-rest",
                        settings -> RankingMetric.averagePrecision(RankingMetric.Settings.from(settings))),
                new NamedMetricFactory("top-k-accuracy", "share of labels among the k highest logits",
                        settings -> new TopKAccuracyMetric(SettingsReader.integer(settings, "k"))),
                new NamedMetricFactory("mse", "mean squared error", settings -> RegressionMetric.meanSquaredError()),
                new NamedMetricFactory("mae", "mean absolute error", settings -> RegressionMetric.meanAbsoluteError()),
                new NamedMetricFactory("r2", "coefficient of determination, 1 - SSres/SStot",
                        settings -> RegressionMetric.r2()),
                new NamedMetricFactory("exact-match", "share of sequences predicted exactly, -100 ignored;"
                        + " with generated text, of texts equal to their reference",
                        settings -> new ExactMatchMetric()),
                new NamedMetricFactory("seqeval", "entity-level precision/recall/F1 (micro) and accuracy of IOB2 tags"
                        + " named by label-names, as seqeval", SeqevalMetric::fromSettings),
                // ---- issue 17: text metrics of generated output ----
                new NamedMetricFactory("sacrebleu", "corpus BLEU of generated text as sacreBLEU 2.x (13a, exp"
                        + " smoothing): bleu, bleu_precisions_<n>, bleu_bp, bleu_sys_len, bleu_ref_len",
                        settings -> new SacreBleuMetric(SacreBleuMetric.Settings.from(settings))),
                new NamedMetricFactory("chrf", "corpus chrF of generated text as sacreBLEU 2.x (chrF2; word-order 2"
                        + " gives chrF++)", settings -> new ChrfMetric(ChrfMetric.Settings.from(settings))),
                new NamedMetricFactory("ter", "corpus translation edit rate of generated text as sacreBLEU 2.x:"
                        + " ter, ter_num_edits, ter_ref_length", settings -> new TerMetric(TerMetric.Settings.from(settings))),
                new NamedMetricFactory("rouge", "ROUGE-1/2/L/Lsum F-measures of generated text as rouge_score,"
                        + " averaged over rows", settings -> new RougeMetric(RougeMetric.Settings.from(settings))));
    }
}
