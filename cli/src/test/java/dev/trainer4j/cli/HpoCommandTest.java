package dev.trainer4j.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code trainer4j hpo}: a small search of a tiny mlp-classifier on the TensorFlow backend over an {@code args.*} and
 * a {@code model.*} key, then resumed with more trials; and the bad search blocks that exit with 2 naming the key.
 */
final class HpoCommandTest {
    private static final int FEATURES = 4;

    @TempDir
    Path directory;

    private String out;
    private String err;

    private Path runFile(String search) throws IOException {
        Random random = new Random(5);
        Files.writeString(directory.resolve("train.jsonl"), TrainedRunCommandsTest.rows(random, 32));
        Files.writeString(directory.resolve("eval.jsonl"), TrainedRunCommandsTest.rows(random, 16));
        Path runFile = directory.resolve("run.conf");
        Files.writeString(runFile, """
                model { type = mlp-classifier, input-size = %d, hidden-sizes = [8], num-labels = 2, dropout = 0.0 }
                data { train { type = jsonl, path = train.jsonl }, eval { type = jsonl, path = eval.jsonl } }
                args {
                  output-dir = "%s"
                  num-train-epochs = 3
                  per-device-train-batch-size = 8
                  per-device-eval-batch-size = 16
                  eval-strategy = epoch
                  save-strategy = no
                  disable-progress = true
                  seed = 3
                }
                search { %s }
                """.formatted(FEATURES, directory.resolve("out").toString().replace("\\", "\\\\"), search));
        return runFile;
    }

    @Test
    void searchesArgsAndModelKeysThenResumesWithoutRedoingFinishedTrials() throws IOException {
        Path runFile = runFile("""
                trials = 3, sampler = random, seed = 2
                space {
                  "args.learning-rate" { type = float, low = 1e-3, high = 1e-1, log = true }
                  "model.hidden-sizes" { type = categorical, choices = [[4], [16]] }
                }
                """);
        assertThat(run("hpo", runFile.toString())).as(err).isZero();
        assertThat(out).contains("trial 0 complete", "trial 2 complete", "best trial ");
        Path results = directory.resolve("out/hpo_results.json");
        Map<String, Object> first = read(results);
        List<?> trials = (List<?>) first.get("trials");
        assertThat(trials).hasSize(3);
        for (Object trial : trials) {
            Map<?, ?> parameters = (Map<?, ?>) ((Map<?, ?>) trial).get("parameters");
            assertThat((List<?>) parameters.get("model.hidden-sizes")).isIn(List.of(4), List.of(16));
        }
        assertThat(directory.resolve("out/hpo_report.html")).isRegularFile();
        long firstModified = Files.getLastModifiedTime(directory.resolve("out/trial-0")).toMillis();

        assertThat(run("hpo", runFile.toString(), "--set", "search.trials=4", "--set", "search.resume=true")).as(err).isZero();
        List<?> resumed = (List<?>) read(results).get("trials");
        assertThat(resumed).hasSize(4);
        assertThat(resumed.subList(0, 3)).isEqualTo(trials);
        assertThat(Files.getLastModifiedTime(directory.resolve("out/trial-0")).toMillis()).isEqualTo(firstModified);
        assertThat(out).contains("trial 3 complete");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "log bound <= 0   | \"args.learning-rate\" { type = float, low = 0, high = 0.1, log = true } | search.space.\"args.learning-rate\": a log-scale range needs bounds > 0",
            "low > high       | \"args.weight-decay\" { type = float, low = 0.2, high = 0.1 }            | search.space.\"args.weight-decay\": low (0.2) is greater than high (0.1)",
            "empty choices    | \"model.hidden-sizes\" { type = categorical, choices = [] }             | search.space.\"model.hidden-sizes\".choices: an empty list is not allowed",
            "unknown args key | \"args.learnin-rate\" { type = float, low = 0.1, high = 0.2 }           | args.learnin-rate",
            "unknown model key| \"model.hiden-sizes\" { type = categorical, choices = [[4]] }           | model.hiden-sizes",
            "not a run key    | \"optimizer.lr\" { type = float, low = 0.1, high = 0.2 }                | search.space.\"optimizer.lr\"",
            "bad type         | \"args.learning-rate\" { type = loguniform, low = 0.1, high = 0.2 }     | search.space.\"args.learning-rate\".type: 'loguniform' is not allowed",
    })
    void badSearchBlocksExitWith2NamingTheKey(String name, String parameter, String message) throws IOException {
        Path runFile = runFile("trials = 2, space { " + parameter + " }");
        assertThat(run("hpo", runFile.toString())).as(err).isEqualTo(2);
        assertThat(err).contains(message).doesNotContain("\tat ");
        assertThat(directory.resolve("out/trial-0")).doesNotExist();
    }

    @Test
    void anUnknownSearchSettingOrAMissingBlockExitsWith2() throws IOException {
        assertThat(run("hpo", runFile("trails = 2, space { \"args.seed\" { type = int, low = 1, high = 3 } }").toString()))
                .isEqualTo(2);
        assertThat(err).contains("search.trails: unknown setting", "trials");
        Path noSearch = directory.resolve("plain.conf");
        Files.writeString(noSearch, Files.readString(runFile("trials = 1")).replaceAll("search \\{[^}]*}", ""));
        assertThat(run("hpo", noSearch.toString())).isEqualTo(2);
        assertThat(err).contains("search: missing");
    }

    private static Map<String, Object> read(Path file) throws IOException {
        return new ObjectMapper().readValue(file.toFile(), new TypeReference<>() { });
    }

    private int run(String... args) {
        StringWriter outText = new StringWriter();
        StringWriter errText = new StringWriter();
        int code = Trainer4jCli.run(CliContext.fromEnvironment(), new PrintWriter(outText), new PrintWriter(errText), args);
        out = outText.toString();
        err = errText.toString();
        return code;
    }
}
