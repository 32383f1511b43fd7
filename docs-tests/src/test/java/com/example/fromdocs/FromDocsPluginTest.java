package com.example.fromdocs;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.PredictionOutput;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.runtime.Trainer4j;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The plugin written from docs/writing-a-plugin.md alone, registered as the page says (a services file and a
 * reference.conf on the class path), in a real run: its metric and callback are found by name, take their settings,
 * and report what a hand computation over the run's own predictions gives.
 */
class FromDocsPluginTest {

    private static final String RUN = """
            model { type = mlp-classifier, input-size = 2, hidden-sizes = [8], num-labels = 2, dropout = 0.0 }
            data { train { type = jsonl, path = train.jsonl }, eval { type = jsonl, path = eval.jsonl } }
            metrics = [accuracy, { type = confident-share, min-probability = 0.8 }]
            callbacks = [{ type = metric-recorder, metric = eval_confident_share }]
            args { num-train-epochs = 3, learning-rate = 0.05, per-device-train-batch-size = 16, eval-strategy = epoch,
                   save-strategy = no, seed = 1 }
            """;

    @Test
    void metricAndCallbackWorkInARun(@TempDir Path folder) throws IOException {
        writeData(folder.resolve("train.jsonl"), 256, 0);
        writeData(folder.resolve("eval.jsonl"), 64, 1000);
        Config run = ConfigFactory.parseString(RUN)
                .withValue("args.output-dir", ConfigValueFactory.fromAnyRef(folder.resolve("out").toString()));
        Trainer4j runtime = Trainer4j.create();
        try (Trainer trainer = runtime.trainer(runtime.parse(run, folder))) {
            trainer.train();
            Map<String, Double> metrics = trainer.evaluate();
            List<String> recorded = Files.readAllLines(folder.resolve("out/recorded-metrics.txt"));
            // one line per epoch's evaluation, then one for the evaluate() above
            assertThat(recorded).hasSize(4);
            assertThat(Double.parseDouble(recorded.get(3).split(" ")[1])).isEqualTo(metrics.get("eval_confident_share"));

            // the metric against a hand computation over the same model's predictions
            PredictionOutput predictions = trainer.predict(trainer.spec().evalDatasets().values().iterator().next());
            HostTensor logits = predictions.predictions().get("logits");
            int rows = (int) logits.dimension(0);
            int confident = 0;
            for (int row = 0; row < rows; row++) {
                double a = logits.getDouble(2 * row);
                double b = logits.getDouble(2 * row + 1);
                double top = 1 / (1 + Math.exp(-Math.abs(a - b)));   // two classes: the larger softmax probability
                confident += top >= 0.8 ? 1 : 0;
            }
            assertThat(rows).isEqualTo(64);
            assertThat(predictions.metrics().get("test_confident_share")).isCloseTo((double) confident / rows, within(1e-12));
            assertThat(metrics.get("eval_accuracy")).isGreaterThan(0.8);
        }
    }

    @Test
    void aBadSettingNamesItsPath(@TempDir Path folder) {
        Config run = ConfigFactory.parseString("model { type = mlp-classifier, input-size = 2 }\n"
                + "metrics = [accuracy, { type = confident-share, min-probability = 1.5 }]");
        Trainer4j runtime = Trainer4j.create();
        assertThatThrownBy(() -> runtime.trainer(runtime.parse(run, folder)))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.key()).isEqualTo("metrics[1].min-probability"))
                .hasMessageContaining("1.5").hasMessageContaining("(0, 1]");
    }

    /** Two features in [-1, 1), label 1 when the first is positive. */
    private static void writeData(Path file, int rows, int offset) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            double x = Math.sin((i + offset) * 12.9898);
            double y = Math.cos((i + offset) * 78.233);
            lines.append("{\"features\": [").append(x).append(", ").append(y).append("], \"label\": ")
                    .append(x > 0 ? 1 : 0).append("}\n");
        }
        Files.writeString(file, lines);
    }
}
