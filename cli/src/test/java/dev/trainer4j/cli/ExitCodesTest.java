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

import static org.assertj.core.api.Assertions.assertThat;

/** The exit code of a failed command follows the type of the error: the user-error branch exits with 2. */
final class ExitCodesTest {

    @TempDir
    Path directory;

    @ParameterizedTest(name = "{0} -> exit {1}")
    @CsvSource({
            "configuration, 2, args.learning-rate: -1.0 is not allowed; expected a number >= 0",
            "data,          2, train.jsonl line 12: field 'label' is missing",
            "checkpoint,    1, CheckpointException: checkpoint checkpoint-7 is damaged",
            "backend,       1, BackendException: training step 3 failed: native error",
            "non-finite,    1, NonFiniteLossException: non-finite loss at global step 3",
            "interrupted,   1, TrainingInterruptedException: stopped by SIGTERM after saving checkpoint-7",
            "bug,           1, IllegalStateException: a bug in the test backend",
    })
    void exitCodeFollowsTheExceptionType(String failure, int exitCode, String message) throws IOException {
        Path runFile = directory.resolve("run.conf");
        Files.writeString(runFile, """
                model { type = cli-test-model }
                data { train = cli-test-dataset }
                backend { type = cli-failing-backend, failure = %s }
                args { output-dir = out }
                """.formatted(failure));
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();

        int code = Trainer4jCli.run(new CliContext(Trainer4j::create, runFile), new PrintWriter(out), new PrintWriter(err),
                "train", runFile.toString());

        assertThat(code).isEqualTo(exitCode);
        assertThat(err.toString()).contains(message).doesNotContain("\tat ");
    }
}
