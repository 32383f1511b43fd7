package dev.trainer4j.cli;

import dev.trainer4j.runtime.Trainer4j;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bad row in a run's jsonl data, as users run it (the bundled jsonl dataset and mlp-classifier): the command stops
 * before training with exit code 2, the file, line and field, and no stack trace.
 */
final class BadDataFileTest {

    @TempDir
    Path directory;

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "string in a numeric field | {\"features\": [0.5, 0.25, 1.0, 0.5], \"label\": \"spam\"} | line 7: field 'label' is \"spam\" (a string); expected an integer",
            "one feature fewer         | {\"features\": [0.5, 0.25, 1.0], \"label\": 1}              | line 7: field 'features' has 3 values; expected 4",
            "missing label             | {\"features\": [0.5, 0.25, 1.0, 0.5]}                       | line 7: field 'label' is missing",
    })
    void aBadRowStopsTrainWithItsFileLineAndField(String problem, String badRow, String message) throws IOException {
        Path data = directory.resolve("train.jsonl");
        StringBuilder lines = new StringBuilder();
        for (int row = 1; row <= 10; row++) {
            lines.append(row == 7 ? badRow : String.format(Locale.ROOT,
                    "{\"features\": [%.2f, 0.25, 1.0, 0.5], \"label\": %d}", row * 0.1, row % 2)).append('\n');
        }
        Files.writeString(data, lines.toString());
        Path runFile = directory.resolve("run.conf");
        Files.writeString(runFile, """
                model { type = mlp-classifier, input-size = 4, hidden-sizes = [8], num-labels = 2 }
                data { train { type = jsonl, path = train.jsonl } }
                callbacks = []
                args { output-dir = "%s", max-steps = 4, per-device-train-batch-size = 2, save-strategy = no }
                """.formatted(directory.resolve("out").toString().replace("\\", "/")));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = Trainer4jCli.run(new CliContext(Trainer4j::create, runFile), new PrintWriter(out),
                new PrintWriter(err), "train", runFile.toString());

        assertThat(code).as("exit code; stderr: %s", err).isEqualTo(2);
        assertThat(err.toString())
                .contains(data + " " + message)
                .doesNotContain("\tat ");
    }
}
