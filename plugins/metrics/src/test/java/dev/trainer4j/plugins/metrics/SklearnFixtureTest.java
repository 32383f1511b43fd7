package dev.trainer4j.plugins.metrics;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.InvalidInputException;
import dev.trainer4j.api.Metric;
import dev.trainer4j.spi.MetricFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every metric option against scikit-learn: {@code fixtures/sklearn/sklearn_metrics_fixture.json}, written by
 * {@code generate_sklearn_fixture.py} (next to it) with Debian's python3-sklearn 1.2.1. Each case builds its metric
 * through the plugin's factory from the case's settings over {@code reference.conf}, feeds the dataset in two batches
 * (so streaming is exercised too) and compares every result key with scikit-learn's value within 1e-12 relative
 * (1e-15 absolute near 0), or expects the input to be refused where scikit-learn raised.
 */
class SklearnFixtureTest {
    private static final double RELATIVE_TOLERANCE = 1e-12;
    private static final double ABSOLUTE_TOLERANCE = 1e-15;
    private static final String WEIGHT_COLUMN = "weight";
    private static final JsonNode FIXTURE = read();
    private static final Config REFERENCE = ConfigFactory.parseResources("reference.conf");
    private static final Map<String, Double> LARGEST_ERROR = new TreeMap<>();

    private final Map<String, MetricFactory> factories = new MetricsPlugin().metricFactories().stream()
            .collect(Collectors.toMap(MetricFactory::name, Function.identity()));

    private static JsonNode read() {
        ObjectMapper mapper = JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
        try (InputStream stream = SklearnFixtureTest.class.getResourceAsStream(
                "/fixtures/sklearn/sklearn_metrics_fixture.json")) {
            return mapper.readTree(stream);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theFixtureComesFromScikitLearnAndCoversEveryNewMetric() {
        assertThat(FIXTURE.get("sklearn_version").asText()).isEqualTo("1.2.1");
        List<String> metrics = new ArrayList<>();
        FIXTURE.get("cases").forEach(item -> metrics.add(item.get("metric").asText()));
        assertThat(metrics).contains("precision", "recall", "f1", "fbeta", "accuracy", "hamming-loss", "mcc",
                "cohen-kappa", "confusion-matrix", "log-loss", "brier-score", "roc-auc", "average-precision");
        assertThat(metrics).hasSizeGreaterThan(2000);
    }

    @TestFactory
    Stream<DynamicTest> everyCaseMatchesScikitLearn() {
        List<DynamicTest> tests = new ArrayList<>();
        int index = 0;
        for (JsonNode item : FIXTURE.get("cases")) {
            String title = index++ + " " + item.get("dataset").asText() + " " + item.get("metric").asText() + " "
                    + item.get("settings") + (item.get("weighted").asBoolean() ? " weighted" : "");
            tests.add(DynamicTest.dynamicTest(title, () -> check(item)));
        }
        return tests.stream();
    }

    private void check(JsonNode item) {
        String name = item.get("metric").asText();
        boolean weighted = item.get("weighted").asBoolean();
        Metric metric = create(name, item.get("settings"), weighted);
        JsonNode dataset = FIXTURE.get("datasets").get(item.get("dataset").asText());
        List<EvalPrediction> halves = batches(dataset, weighted);
        if (item.has("error")) {
            assertThatThrownBy(() -> run(metric, halves)).as(item.get("error").asText())
                    .isInstanceOf(InvalidInputException.class).hasMessageStartingWith(name + ": ");
            return;
        }
        Map<String, Double> expected = new LinkedHashMap<>();
        item.get("expected").fields().forEachRemaining(entry -> expected.put(entry.getKey(), entry.getValue().asDouble()));
        Map<String, Double> actual = run(metric, halves);
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Map.Entry<String, Double> entry : expected.entrySet()) {
            double want = entry.getValue();
            double got = actual.get(entry.getKey());
            if (Double.isNaN(want)) {
                assertThat(got).as(entry.getKey()).isNaN();
                continue;
            }
            double error = Math.abs(got - want);
            assertThat(error).as(entry.getKey() + ": got " + got + ", scikit-learn " + want)
                    .isLessThanOrEqualTo(RELATIVE_TOLERANCE * Math.abs(want) + ABSOLUTE_TOLERANCE);
            synchronized (LARGEST_ERROR) {
                LARGEST_ERROR.merge(name, want == 0 ? error : error / Math.abs(want), Math::max);
            }
        }
        // one batch gives the same as two
        assertThat(run(metric, List.of(whole(dataset, weighted)))).isEqualTo(actual);
    }

    @AfterAll
    static void reportLargestErrors() {
        System.out.println("largest relative error against scikit-learn per metric: " + LARGEST_ERROR);
    }

    private Metric create(String name, JsonNode settings, boolean weighted) {
        Map<String, Object> values = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = settings.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode value = field.getValue();
            if (value.isArray()) {
                List<Integer> list = new ArrayList<>();
                value.forEach(element -> list.add(element.asInt()));
                values.put(field.getKey(), list);
            } else if (value.isNumber()) {
                values.put(field.getKey(), value.numberValue());
            } else {
                values.put(field.getKey(), value.asText());
            }
        }
        if (weighted) {
            values.put("sample-weight-column", WEIGHT_COLUMN);
        }
        Config config = ConfigFactory.parseMap(values).withFallback(REFERENCE.getConfig("trainer4j.plugins.metrics." + name));
        return factories.get(name).create(config, () -> Path.of("."));
    }

    private static Map<String, Double> run(Metric metric, List<EvalPrediction> batches) {
        metric.reset();
        batches.forEach(metric::update);
        return metric.compute();
    }

    private static List<EvalPrediction> batches(JsonNode dataset, boolean weighted) {
        int rows = dataset.get("labels").size();
        int split = rows / 2;
        return List.of(slice(dataset, 0, split, weighted), slice(dataset, split, rows, weighted));
    }

    private static EvalPrediction whole(JsonNode dataset, boolean weighted) {
        return slice(dataset, 0, dataset.get("labels").size(), weighted);
    }

    /** Rows [from, to) of a dataset: int labels, int class ids or double scores, and the weights. */
    private static EvalPrediction slice(JsonNode dataset, int from, int to, boolean weighted) {
        boolean scores = dataset.get("kind").asText().equals("scores");
        JsonNode labelRows = dataset.get("labels");
        JsonNode predictionRows = dataset.get("predictions");
        int rows = to - from;
        int labelWidth = labelRows.get(0).isArray() ? labelRows.get(0).size() : 0;
        int predictionWidth = predictionRows.get(0).isArray() ? predictionRows.get(0).size() : 0;
        int[] labels = new int[rows * Math.max(labelWidth, 1)];
        double[] predictions = new double[rows * Math.max(predictionWidth, 1)];
        double[] weights = new double[rows];
        for (int row = 0; row < rows; row++) {
            JsonNode labelRow = labelRows.get(from + row);
            for (int column = 0; column < Math.max(labelWidth, 1); column++) {
                labels[row * Math.max(labelWidth, 1) + column] = labelWidth == 0 ? labelRow.asInt()
                        : labelRow.get(column).asInt();
            }
            for (int column = 0; column < Math.max(predictionWidth, 1); column++) {
                JsonNode cell = predictionWidth == 0 ? predictionRows.get(from + row)
                        : predictionRows.get(from + row).get(column);
                predictions[row * Math.max(predictionWidth, 1) + column] = cell.asDouble();
            }
            weights[row] = dataset.get("sample_weight").get(from + row).asDouble();
        }
        HostTensor labelTensor = labelWidth == 0 ? HostTensor.ofInts(labels, rows)
                : HostTensor.ofInts(labels, rows, labelWidth);
        HostTensor predictionTensor;
        if (scores) {
            predictionTensor = predictionWidth == 0 ? HostTensor.ofDoubles(predictions, rows)
                    : HostTensor.ofDoubles(predictions, rows, predictionWidth);
        } else {
            int[] ids = new int[predictions.length];
            for (int index = 0; index < ids.length; index++) {
                ids[index] = (int) predictions[index];
            }
            predictionTensor = predictionWidth == 0 ? HostTensor.ofInts(ids, rows)
                    : HostTensor.ofInts(ids, rows, predictionWidth);
        }
        Map<String, HostTensor> labelTensors = new LinkedHashMap<>();
        labelTensors.put("labels", labelTensor);
        if (weighted) {
            labelTensors.put(WEIGHT_COLUMN, HostTensor.ofDoubles(weights, rows));
        }
        return new EvalPrediction(Map.of("logits", predictionTensor), labelTensors);
    }
}
