package dev.trainer4j.cli;

import dev.trainer4j.runtime.Trainer4j;
import org.junit.jupiter.api.Test;
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
 * Numbers that do not fit, as users run them: a label outside the model's classes and integer settings beyond their
 * type's range stop {@code trainer4j train} with exit code 2, a message naming the value and no stack trace.
 */
final class BadNumbersTest {

    @TempDir
    Path directory;

    private Path runFile(int badLabel) throws IOException {
        StringBuilder lines = new StringBuilder();
        for (int row = 1; row <= 10; row++) {
            lines.append(String.format(Locale.ROOT, "{\"features\": [%.2f, 0.25, 1.0, 0.5], \"label\": %d}",
                    row * 0.1, row == 7 ? badLabel : row % 2)).append('\n');
        }
        Files.writeString(directory.resolve("train.jsonl"), lines.toString());
        Path runFile = directory.resolve("run.conf");
        Files.writeString(runFile, """
                model { type = mlp-classifier, input-size = 4, hidden-sizes = [8], num-labels = 2 }
                data { train { type = jsonl, path = train.jsonl } }
                callbacks = []
                args { output-dir = "%s", max-steps = 4, per-device-train-batch-size = 2, save-strategy = no,
                       train-sampling-strategy = sequential }
                """.formatted(directory.resolve("out").toString().replace("\\", "/")));
        return runFile;
    }

    private String train(int expectedCode, String... arguments) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Trainer4jCli.run(new CliContext(Trainer4j::create, directory.resolve("run.conf")),
                new PrintWriter(out), new PrintWriter(err), arguments);
        assertThat(code).as("exit code; stderr: %s", err).isEqualTo(expectedCode);
        assertThat(err.toString()).doesNotContain("\tat ");
        return err.toString();
    }

    @Test
    void aLabelOutsideTheClassesStopsTrainNamingTheBatchRowValueAndRange() throws IOException {
        Path runFile = runFile(5);

        String err = train(2, "train", runFile.toString());

        assertThat(err).contains("the train dataset, epoch 0, batch 3 of the epoch (both 0-based)")
                .contains("label 'labels' of row 0 of the batch (0-based) is 5; expected a class index in [0, 2)");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "args.per-device-train-batch-size=4294967328 | args.per-device-train-batch-size: 4294967328 is not allowed; expected an integer between -2147483648 and 2147483647",
            "args.per-device-train-batch-size=1e12       | args.per-device-train-batch-size: 1000000000000 is not allowed; expected an integer between -2147483648 and 2147483647",
            "args.seed=12345678901234567890              | args.seed: 12345678901234567890 is not allowed; expected an integer between -9223372036854775808 and 9223372036854775807",
    })
    void anIntegerSettingBeyondItsRangeStopsTrainNamingTheKey(String setting, String message) throws IOException {
        Path runFile = runFile(1);

        String err = train(2, "train", runFile.toString(), "--set", setting);

        assertThat(err).contains(message);
    }
}
