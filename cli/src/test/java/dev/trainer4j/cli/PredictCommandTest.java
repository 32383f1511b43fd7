package dev.trainer4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer4j.runtime.Trainer4j;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code trainer4j predict} after a tiny real training run (word-level tokenizer, tiny transformer, TF backend). */
final class PredictCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String[] SPAM = {"win cash now", "free prize call now", "win a free prize", "cash prize call"};
    private static final String[] HAM = {"see you at lunch", "are you home", "lunch at home", "see you soon"};

    @TempDir
    Path directory;
    private String out;
    private String err;

    private int run(String... args) {
        StringWriter outText = new StringWriter();
        StringWriter errText = new StringWriter();
        int code = Trainer4jCli.run(new CliContext(Trainer4j::create, directory.resolve("none.conf")),
                new PrintWriter(outText), new PrintWriter(errText), args);
        out = outText.toString();
        err = errText.toString();
        return code;
    }

    private Path runFile(String outputDir) throws IOException {
        StringBuilder train = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            train.append("{\"text\": \"").append(SPAM[i % 4]).append("\", \"label\": 1}\n");
            train.append("{\"text\": \"").append(HAM[i % 4]).append("\", \"label\": 0}\n");
        }
        Files.writeString(directory.resolve("train.jsonl"), train.toString());
        return Files.writeString(directory.resolve("run.conf"), """
                model { type = transformer-classifier, hidden-size = 16, num-layers = 1, num-heads = 2,
                        intermediate-size = 32, max-position = 16, dropout = 0.0, pooling = mean }
                tokenizer { type = word-level, max-length = 8 }
                data { train { type = jsonl, path = train.jsonl } }
                collator { type = padding, pad-to-multiple-of = 8 }
                metrics = [accuracy]
                # as the main job's run file: a best-model metric that prediction, which drops the metrics, must not need
                args { output-dir = "%s", max-steps = 30, per-device-train-batch-size = 8, learning-rate = 1e-2,
                       logging-steps = 10, save-strategy = steps, save-steps = 15, disable-progress = true,
                       metric-for-best-model = accuracy }
                """.formatted(outputDir));
    }

    @Test
    void predictsWithTheNewestRunsLatestCheckpointAndTheSavedVocabulary() throws IOException {
        Path runs = directory.resolve("runs");
        Path runFile = runFile(runs.resolve("tiny-{timestamp}").toString());
        assertThat(run("train", runFile.toString())).as(err).isZero();
        List<Path> trained;
        try (Stream<Path> folders = Files.list(runs)) {
            trained = folders.toList();
        }
        assertThat(trained).singleElement();
        assertThat(trained.get(0).resolve("tokenizer.json")).isNotEmptyFile();

        Path input = Files.writeString(directory.resolve("input.jsonl"),
                "{\"id\": 7, \"text\": \"free cash prize now\"}\n\n{\"id\": 8, \"text\": \"see you at home\", \"label\": 0}\n"
                        + "{\"id\": 9, \"text\": \"zebra\"}\n");
        Path output = directory.resolve("predictions/out.jsonl");
        assertThat(run("predict", runFile.toString(), "--input", input.toString(), "--output", output.toString()))
                .as(err).isZero();

        assertThat(out).contains("predicted 3 examples of " + input + " with " + trained.get(0).resolve("checkpoint-30"));
        List<JsonNode> lines = new ArrayList<>();
        for (String line : Files.readAllLines(output)) {
            lines.add(JSON.readTree(line));
        }
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).get("id").asInt()).isEqualTo(7);
        assertThat(lines.get(0).get("text").asText()).isEqualTo("free cash prize now");
        assertThat(lines.get(1).get("label").asInt()).isZero();
        assertThat(lines.get(0).get("predicted_label").asInt()).isEqualTo(1);
        assertThat(lines.get(1).get("predicted_label").asInt()).isZero();
        for (JsonNode line : lines) {
            JsonNode probabilities = line.get("probabilities");
            assertThat(probabilities).hasSize(2);
            assertThat(probabilities.get(0).asDouble() + probabilities.get(1).asDouble()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
            int argMax = probabilities.get(1).asDouble() > probabilities.get(0).asDouble() ? 1 : 0;
            assertThat(line.get("predicted_label").asInt()).isEqualTo(argMax);
        }

        assertThat(run("predict", runFile.toString(), "--input", input.toString(), "--output", output.toString(),
                "--checkpoint", trained.get(0).resolve("checkpoint-15").toString())).as(err).isZero();
        assertThat(out).contains("with " + trained.get(0).resolve("checkpoint-15"));
        assertThat(run("predict", runFile.toString(), "--input", input.toString(), "--output", output.toString(),
                "--checkpoint", "best")).isEqualTo(2);
        assertThat(err).contains("--checkpoint best:").contains("names no best_model_checkpoint");
    }

    @Test
    void aMissingInputOrAnUntrainedRunIsAUsageError() throws IOException {
        Path runFile = runFile(directory.resolve("never-trained").toString());
        Path input = Files.writeString(directory.resolve("input.jsonl"), "{\"text\": \"hello\"}\n");

        assertThat(run("predict", runFile.toString(), "--input", directory.resolve("missing.jsonl").toString(),
                "--output", directory.resolve("o.jsonl").toString())).isEqualTo(2);
        assertThat(err).contains("trainer4j predict: --input: ").contains("missing.jsonl does not exist");

        assertThat(run("predict", runFile.toString(), "--input", input.toString(), "--output",
                directory.resolve("o.jsonl").toString())).isEqualTo(2);
        assertThat(err).contains("trainer4j predict: no --checkpoint given: args.output-dir ")
                .contains("never-trained does not exist; train first");

        assertThat(run("predict", runFile.toString(), "--output", "o.jsonl")).isEqualTo(2);
        assertThat(err).contains("Missing required option: '--input=FILE'");
    }
}
