package dev.trainer4j.plugins.metrics;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.Metric;
import dev.trainer4j.spi.MetricFactory;
import dev.trainer4j.spi.PluginContext;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class MetricsPluginTest {
    private static final PluginContext CONTEXT = () -> Path.of(".");
    private static final Config REFERENCE = ConfigFactory.parseResources("reference.conf");

    private final Map<String, MetricFactory> factories = new MetricsPlugin().metricFactories().stream()
            .collect(Collectors.toMap(MetricFactory::name, Function.identity()));

    private static Config defaults(String name) {
        return REFERENCE.getConfig("trainer4j.plugins.metrics." + name);
    }

    private Metric create(String name, String overrides) {
        return factories.get(name).create(ConfigFactory.parseString(overrides).withFallback(defaults(name)), CONTEXT);
    }

    @Test
    void registersEveryMetricOnceWithDefaults() {
        List<String> names = new MetricsPlugin().metricFactories().stream().map(MetricFactory::name).toList();

        assertThat(names).containsExactlyInAnyOrder("accuracy", "precision", "recall", "f1", "fbeta", "mcc",
                "cohen-kappa", "hamming-loss", "confusion-matrix", "log-loss", "brier-score", "roc-auc",
                "average-precision", "top-k-accuracy", "mse", "mae", "r2", "exact-match", "seqeval", "sacrebleu", "chrf",
                "ter", "rouge");
        for (String name : names) {
            assertThat(REFERENCE.hasPath("trainer4j.plugins.metrics." + name)).as(name).isTrue();
            // seqeval has no default for its required label-names
            Metric metric = name.equals("seqeval") ? create(name, "label-names = [O, B-X, I-X]")
                    : factories.get(name).create(defaults(name), CONTEXT);
            assertThat(metric.name()).isEqualTo(name);
            assertThat(factories.get(name).description()).isNotBlank();
        }
    }

    @Test
    void classificationScoresDefaultToBinaryWithPositiveLabelOne() {
        ClassificationScoreMetric f1 = (ClassificationScoreMetric) create("f1", "");

        assertThat(f1.settings()).isEqualTo(new ClassificationSettings(Average.BINARY, 1));
    }

    @Test
    void overriddenAverageAndPositiveLabelAreUsed() {
        ClassificationScoreMetric precision = (ClassificationScoreMetric) create("precision", "average = macro");
        ClassificationScoreMetric recall = (ClassificationScoreMetric) create("recall", "pos-label = 0");

        assertThat(precision.settings()).isEqualTo(new ClassificationSettings(Average.MACRO, 1));
        assertThat(recall.settings()).isEqualTo(new ClassificationSettings(Average.BINARY, 0));
        // labels [1, 0, 0], predictions [1, 1, 0]: class 0 recall 1/2
        recall.update(Batches.classIds(new int[] {1, 1, 0}, new int[] {1, 0, 0}));
        assertThat(recall.compute().get("recall")).isCloseTo(0.5, within(1e-12));
    }

    @Test
    void textMetricsDefaultToSacreBleuAndRougeScore() {
        assertThat(((SacreBleuMetric) create("sacrebleu", "")).settings()).isEqualTo(SacreBleuMetric.Settings.defaults());
        assertThat(((ChrfMetric) create("chrf", "")).settings()).isEqualTo(ChrfMetric.Settings.defaults());
        assertThat(((TerMetric) create("ter", "")).settings()).isEqualTo(TerMetric.Settings.defaults());
        assertThat(((RougeMetric) create("rouge", "")).settings()).isEqualTo(RougeMetric.Settings.defaults());
        assertThat(((SacreBleuMetric) create("sacrebleu", "lowercase = true, tokenize = none, smooth-method = add-k,"
                + " max-ngram-order = 2, effective-order = true")).settings()).isEqualTo(new SacreBleuMetric.Settings(
                true, SacreBleuMetric.Tokenization.NONE, SacreBleuMetric.Smoothing.ADD_K, 2, true));
        assertThat(((ChrfMetric) create("chrf", "word-order = 2")).signature())
                .isEqualTo("nrefs:1|case:mixed|eff:yes|nc:6|nw:2|space:no|version:2.6.0");
        assertThat(((RougeMetric) create("rouge", "rouge-types = [rougeL], use-stemmer = true")).settings())
                .isEqualTo(new RougeMetric.Settings(List.of("rougeL"), true));
    }

    @Test
    void badTextMetricSettingsNameTheKey() {
        assertThatThrownBy(() -> create("sacrebleu", "tokenize = intl"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("tokenize: 'intl' is not allowed; expected one of 13a, none");
        assertThatThrownBy(() -> create("sacrebleu", "smooth-method = add-one"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("smooth-method: 'add-one' is not allowed; expected one of exp, floor, add-k, none");
        assertThatThrownBy(() -> create("sacrebleu", "max-ngram-order = 0"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("max-ngram-order: 0 is not allowed; expected an integer >= 1");
        assertThatThrownBy(() -> create("ter", "case-sensitive = maybe"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("case-sensitive: 'maybe' is not allowed; expected true or false");
        assertThatThrownBy(() -> create("rouge", "rouge-types = [rougeW]"))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("rouge-types: 'rougeW'");
    }

    @Test
    void topKDefaultsToFiveAndCanBeOverridden() {
        assertThat(((TopKAccuracyMetric) create("top-k-accuracy", "")).k()).isEqualTo(5);
        assertThat(((TopKAccuracyMetric) create("top-k-accuracy", "k = 2")).k()).isEqualTo(2);
    }

    @Test
    void badSettingsNameTheKey() {
        assertThatThrownBy(() -> create("f1", "average = micr"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("average: 'micr' is not allowed; expected one of none, binary, micro, macro, weighted, samples");
        assertThatThrownBy(() -> create("recall", "pos-label = -1"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("pos-label: -1");
        assertThatThrownBy(() -> create("top-k-accuracy", "k = many"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("k: 'many' is not allowed; expected an integer");
        assertThatThrownBy(() -> factories.get("f1").create(ConfigFactory.empty(), CONTEXT))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("average");
    }

    @Test
    void newClassificationSettingsAreReadFromHocon() {
        ClassificationScoreMetric fbeta = (ClassificationScoreMetric) create("fbeta",
                "average = none, beta = 2, labels = [1, 0], zero-division = 1, class-names = [neg, pos],"
                        + " sample-weight-column = weight, threshold = 0.5");

        assertThat(fbeta.settings()).isEqualTo(new ClassificationSettings(Average.NONE, 1, 2.0, List.of(1, 0),
                ZeroDivision.ONE, List.of("neg", "pos"), new InputSettings("weight", 0.5)));
        assertThat(fbeta.keys()).containsExactly("fbeta_pos", "fbeta_neg");
        assertThat(((ClassificationScoreMetric) create("f1", "")).settings())
                .isEqualTo(new ClassificationSettings(Average.BINARY, 1));
    }

    @Test
    void badNewSettingsNameTheKey() {
        assertThatThrownBy(() -> create("precision", "zero-division = 2"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("zero-division: '2' is not allowed; expected one of warn, 0, 1, nan");
        assertThatThrownBy(() -> create("recall", "labels = [-1]"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("labels: [-1] is not allowed");
        assertThatThrownBy(() -> create("fbeta", "beta = -1"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("beta: -1.0 is not allowed");
        assertThatThrownBy(() -> create("cohen-kappa", "weights = cubic"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("weights: 'cubic' is not allowed; expected one of none, linear, quadratic");
        assertThatThrownBy(() -> create("roc-auc", "max-stored-scores = 0"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("max-stored-scores: 0");
        assertThatThrownBy(() -> create("roc-auc", "average = binary"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("average: 'binary' is not allowed");
        assertThatThrownBy(() -> create("confusion-matrix", "class-names = [a, \"b/c\"]"))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("class-names");
        assertThatThrownBy(() -> create("log-loss", "inputs = odds"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("inputs: 'odds' is not allowed; expected one of logits, probabilities");
    }

    @Test
    void registersThePluginAsAService() throws Exception {
        try (var stream = MetricsPlugin.class.getResourceAsStream("/META-INF/services/dev.trainer4j.spi.Plugin")) {
            assertThat(stream).isNotNull();
            assertThat(new String(stream.readAllBytes()).trim()).isEqualTo(MetricsPlugin.class.getName());
        }
    }
}
