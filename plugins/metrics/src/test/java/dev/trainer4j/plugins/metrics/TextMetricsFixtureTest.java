package dev.trainer4j.plugins.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.EvalPrediction;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The text metrics against their reference implementations: {@code fixtures/text/text_metrics_fixture.json}, written
 * by {@code generate_text_metrics_fixture.py} (next to it) with sacreBLEU 2.6.0 and NLTK 3.10.3. Each case builds its
 * metric through the plugin's factory from the case's settings over {@code reference.conf}, feeds the corpus in two
 * batches (streaming) and compares every result key within 1e-12 relative (1e-12 absolute near 0) and the signature
 * exactly; the tokenizers, per-sentence TER and chrF, and the Porter stems are compared one by one.
 */
class TextMetricsFixtureTest {
    private static final double TOLERANCE = 1e-12;
    private static final JsonNode FIXTURE = read();
    private static final Config REFERENCE = ConfigFactory.parseResources("reference.conf");
    private static final Map<String, Double> LARGEST_ERROR = new TreeMap<>();

    private final Map<String, MetricFactory> factories = new MetricsPlugin().metricFactories().stream()
            .collect(Collectors.toMap(MetricFactory::name, Function.identity()));

    private static JsonNode read() {
        try (InputStream stream = TextMetricsFixtureTest.class.getResourceAsStream(
                "/fixtures/text/text_metrics_fixture.json")) {
            return new ObjectMapper().readTree(stream);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void theFixtureComesFromSacreBleuAndNltk() {
        assertThat(FIXTURE.get("generator").asText()).isEqualTo("sacrebleu 2.6.0, nltk 3.10.3");
        assertThat(FIXTURE.get("cases").size()).isEqualTo(162);
        assertThat(FIXTURE.get("segments").size()).isEqualTo(75);
        assertThat(FIXTURE.get("porter_stems").size()).isGreaterThan(1000);
    }

    @TestFactory
    Stream<DynamicTest> everyCorpusScoreMatchesSacreBleu() {
        List<DynamicTest> tests = new ArrayList<>();
        int index = 0;
        for (JsonNode item : FIXTURE.get("cases")) {
            String title = index++ + " " + item.get("metric").asText() + " " + item.get("settings") + " "
                    + item.get("corpus").asText();
            tests.add(DynamicTest.dynamicTest(title, () -> check(item)));
        }
        return tests.stream();
    }

    private void check(JsonNode item) {
        String name = item.get("metric").asText();
        Metric metric = create(name, item.get("settings"));
        List<Integer> rows = new ArrayList<>();
        FIXTURE.get("corpora").get(item.get("corpus").asText()).forEach(row -> rows.add(row.asInt()));
        // two batches when there are two rows or more: a batch of generated text has at least one row
        int split = Math.max(1, rows.size() / 2);
        List<EvalPrediction> halves = split == rows.size() ? List.of(batch(rows))
                : List.of(batch(rows.subList(0, split)), batch(rows.subList(split, rows.size())));
        Map<String, Double> actual = run(metric, halves);
        Map<String, Double> expected = new LinkedHashMap<>();
        item.get("expected").fields().forEachRemaining(entry -> expected.put(entry.getKey(), entry.getValue().asDouble()));
        assertThat(actual.keySet()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        assertThat(metric.keys()).containsExactlyInAnyOrderElementsOf(expected.keySet());
        for (Map.Entry<String, Double> entry : expected.entrySet()) {
            compare(name, entry.getKey(), actual.get(entry.getKey()), entry.getValue());
        }
        assertThat(signature(metric)).isEqualTo(item.get("signature").asText());
        assertThat(run(metric, List.of(batch(rows)))).isEqualTo(actual);
    }

    private static void compare(String group, String key, double actual, double expected) {
        double error = Math.abs(actual - expected);
        assertThat(error).as(key + ": got " + actual + ", reference " + expected)
                .isLessThanOrEqualTo(TOLERANCE * Math.max(1.0, Math.abs(expected)));
        synchronized (LARGEST_ERROR) {
            LARGEST_ERROR.merge(group, expected == 0 ? error : error / Math.abs(expected), Math::max);
        }
    }

    private static String signature(Metric metric) {
        if (metric instanceof SacreBleuMetric bleu) {
            return bleu.signature();
        }
        if (metric instanceof ChrfMetric chrf) {
            return chrf.signature();
        }
        return ((TerMetric) metric).signature();
    }

    @Test
    void everySentenceTerAndChrfMatchesSacreBleu() {
        JsonNode segments = FIXTURE.get("segments");
        TerMetric ter = new TerMetric(TerMetric.Settings.defaults());
        ChrfMetric chrf = new ChrfMetric(ChrfMetric.Settings.defaults());
        for (int row = 0; row < segments.size(); row++) {
            EvalPrediction one = batch(List.of(row));
            assertThat(run(ter, List.of(one)).get("ter_num_edits")).as("segment " + row + " " + segments.get(row))
                    .isEqualTo(FIXTURE.get("sentence_ter").get(row).asDouble());
            compare("sentence chrf", "chrf of segment " + row, run(chrf, List.of(one)).get("chrf"),
                    FIXTURE.get("sentence_chrf").get(row).asDouble());
        }
    }

    @Test
    void tokenizersMatchSacreBleu() {
        Mteval13aTokenizer tokenizer = new Mteval13aTokenizer();
        FIXTURE.get("tokenized_13a").fields().forEachRemaining(entry -> assertThat(
                tokenizer.tokenize(PythonWhitespace.stripTrailing(entry.getKey()))).as(entry.getKey())
                .isEqualTo(entry.getValue().asText()));
        TercomTokenizer tercom = new TercomTokenizer(true, true, false);
        FIXTURE.get("tokenized_tercom_normalized").fields().forEachRemaining(entry -> assertThat(
                tercom.tokenize(PythonWhitespace.stripTrailing(entry.getKey()))).as(entry.getKey())
                .isEqualTo(entry.getValue().asText()));
    }

    @Test
    void porterStemsMatchNltk() {
        PorterStemmer stemmer = new PorterStemmer();
        Map<String, String> wrong = new TreeMap<>();
        FIXTURE.get("porter_stems").fields().forEachRemaining(entry -> {
            String stem = stemmer.stem(entry.getKey());
            if (!stem.equals(entry.getValue().asText())) {
                wrong.put(entry.getKey(), stem + " (nltk: " + entry.getValue().asText() + ")");
            }
        });
        assertThat(wrong).isEmpty();
    }

    @AfterAll
    static void reportLargestErrors() {
        System.out.println("largest relative error against sacreBLEU 2.6.0: " + LARGEST_ERROR);
    }

    private Metric create(String name, JsonNode settings) {
        Map<String, Object> values = new HashMap<>();
        settings.fields().forEachRemaining(field -> {
            JsonNode value = field.getValue();
            values.put(field.getKey(), value.isBoolean() ? value.asBoolean()
                    : value.isNumber() ? value.numberValue() : value.asText());
        });
        Config config = ConfigFactory.parseMap(values)
                .withFallback(REFERENCE.getConfig("trainer4j.plugins.metrics." + name));
        return factories.get(name).create(config, () -> Path.of("."));
    }

    private static Map<String, Double> run(Metric metric, List<EvalPrediction> batches) {
        metric.reset();
        batches.forEach(metric::update);
        return metric.compute();
    }

    private static EvalPrediction batch(List<Integer> rows) {
        List<String> hypotheses = new ArrayList<>();
        List<String> references = new ArrayList<>();
        for (int row : rows) {
            hypotheses.add(FIXTURE.get("segments").get(row).get(0).asText());
            references.add(FIXTURE.get("segments").get(row).get(1).asText());
        }
        return Batches.texts(hypotheses, references);
    }
}
