package dev.trainer4j.cli;

import dev.trainer4j.api.ConfigurationException;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.trainer4j.runtime.Trainer4j;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class Trainer4jCliTest {
    private static final String RUN = """
            model { type = cli-test-model, hidden-size = 32 }
            data { train = cli-test-dataset, eval = cli-test-dataset }
            metrics = [cli-test-metric]
            backend = cli-test-backend
            args { output-dir = out/cli-test, learning-rate = 0.01 }
            """;

    @TempDir
    Path directory;
    private Path runFile;
    private CliContext context;
    private String out;
    private String err;

    @BeforeEach
    void writeRunFile() throws IOException {
        runFile = write("run.conf", RUN);
        context = new CliContext(Trainer4j::create, runFile);
    }

    private Path write(String name, String content) throws IOException {
        Path file = directory.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    private int run(String... args) {
        return run(context, args);
    }

    private int run(CliContext cliContext, String... args) {
        StringWriter outText = new StringWriter();
        StringWriter errText = new StringWriter();
        int code = Trainer4jCli.run(cliContext, new PrintWriter(outText), new PrintWriter(errText), args);
        out = outText.toString();
        err = errText.toString();
        return code;
    }

    @Test
    void everyCommandHasHelp() {
        assertThat(run("--help")).isZero();
        assertThat(out).contains("Usage: trainer4j").contains("train").contains("config").contains("plugins");
        for (String command : new String[] {"train", "config", "plugins"}) {
            assertThat(run(command, "--help")).isZero();
            assertThat(out).contains("Usage: trainer4j " + command);
        }
        assertThat(run("train", "--help")).isZero();
        assertThat(out).contains("--set=KEY=VALUE").contains("--resume=DIR|latest").contains("--verbose").contains("RUN_FILE");
    }

    @Test
    void everyCommandIsListedUnderItsAnnotatedNameAndHelpSeesThemAll() {
        for (Trainer4jCli.Subcommand subcommand : Trainer4jCli.SUBCOMMANDS) {
            Object command = subcommand.factory().apply(context);
            assertThat(command.getClass().getAnnotation(picocli.CommandLine.Command.class).name())
                    .as("the @Command name of %s", command.getClass().getSimpleName())
                    .isEqualTo(subcommand.name());
        }
        assertThat(run("--help")).isZero();
        for (Trainer4jCli.Subcommand subcommand : Trainer4jCli.SUBCOMMANDS) {
            assertThat(out).containsPattern("(?m)^  " + subcommand.name() + " ");
        }
        // a command line that names one command builds only that one; help for another still works
        assertThat(run("help", "predict")).isZero();
        assertThat(out).contains("Usage: trainer4j predict");
        assertThat(run("trian")).isEqualTo(2);
        assertThat(err).contains("trian").contains("train");
    }

    @Test
    void noCommandOrAnUnknownOptionIsAUsageError() {
        assertThat(run()).isEqualTo(2);
        assertThat(err).contains("trainer4j: missing command").contains("Usage: trainer4j");
        assertThat(run("train", "--no-such-option")).isEqualTo(2);
        assertThat(err).contains("Unknown option: '--no-such-option'");
    }

    @Test
    void pluginsListsEveryPluginWithItsFactoriesAndDefaults() {
        assertThat(run("plugins")).isZero();

        assertThat(out).contains("CliTestPlugin (" + CliTestPlugin.class.getName());
        assertThat(out).contains("  backends:\n    cli-export-backend - restores weights.txt and exports it as a marker file\n"
                + "    cli-failing-backend\n        failure = \"bug\"\n    cli-test-backend - stops when asked for a trainer\n");
        assertThat(out).contains("  models:\n    cli-test-model\n        hidden-size = 16\n");
        assertThat(out).contains("  metrics:\n    cli-test-metric\n        average = \"binary\"\n");
        assertThat(err).isEmpty();
    }

    @Test
    void anEmbeddingApplicationGivesTheSameOverridesAsTheCommandLine() {
        // cli-test-backend stops when asked for a trainer, with the settings it was assembled from in its message
        assertThatThrownBy(() -> Trainer4j.fromFile(runFile, List.of("args.learning-rate=0.5", "metrics=[]")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("learning-rate 0.5, 0 metric(s)");
        assertThatThrownBy(() -> Trainer4j.fromFile(runFile, List.of("args.learning-rate")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("--set args.learning-rate: expected key=value");
        assertThatThrownBy(() -> Trainer4j.fromFile(runFile, List.of("args.lerning-rate=0.5")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("args.lerning-rate");
    }

    @Test
    void configPrintsTheFullyResolvedRunWithOverrides() {
        assertThat(run("config", runFile.toString(), "--set", "model.hidden-size=64", "--set", "args.seed=7")).isZero();

        Config printed = ConfigFactory.parseString(out);
        assertThat(printed.getInt("model.hidden-size")).isEqualTo(64);
        assertThat(printed.getString("model.type")).isEqualTo("cli-test-model");
        assertThat(printed.getConfigList("metrics").get(0).getString("average")).isEqualTo("binary");
        assertThat(printed.getDouble("args.learning-rate")).isEqualTo(0.01);
        assertThat(printed.getInt("args.seed")).isEqualTo(7);
        assertThat(printed.getInt("args.per-device-train-batch-size")).isEqualTo(8);
        assertThat(printed.getString("backend.type")).isEqualTo("cli-test-backend");
        assertThat(out).doesNotContain("#");
    }

    @Test
    void configPrintsJsonWhenAsked() {
        assertThat(run("config", runFile.toString(), "--json")).isZero();

        assertThat(out.trim()).startsWith("{");
        assertThat(ConfigFactory.parseString(out).getInt("model.hidden-size")).isEqualTo(32);
    }

    @Test
    void configExplainsEveryHuggingFaceNameWithoutARunFile() {
        assertThat(run("config", "--explain-hf")).isZero();

        assertThat(out.lines()).hasSize(1 + 145);
        assertThat(out.lines().findFirst().orElseThrow()).startsWith("HF name").contains("status").contains("trainer4j key");
        assertThat(out).containsPattern("(?m)^learning_rate +implemented +learning-rate")
                .containsPattern("(?m)^deepspeed +refused +- +.*; instead: ")
                .containsPattern("(?m)^predict_with_generate \\(seq2seq\\) +implemented +predict-with-generate")
                .containsPattern("(?m)^bf16_full_eval +implemented +bf16-full-eval")
                .containsPattern("(?m)^tp_size \\(v4\\) +implemented +tp-size");
        assertThat(err).isEmpty();
    }

    @Test
    void reportToAddsTheLoggingCallbacksTheRunLacksNeverTwice() throws IOException {
        Path all = write("all.conf", RUN.replace("args {", "callbacks = [jsonl-logger]\nargs { report_to = all,"));
        assertThat(run("config", all.toString())).as(err).isZero();
        assertThat(ConfigFactory.parseString(out).getConfigList("callbacks")).extracting(block -> block.getString("type"))
                .containsExactly("jsonl-logger", "csv-logger", "tensorboard");

        Path one = write("one.conf", RUN.replace("args {", "args { report_to = tensorboard,"));
        assertThat(run("config", one.toString())).as(err).isZero();
        assertThat(ConfigFactory.parseString(out).getConfigList("callbacks")).extracting(block -> block.getString("type"))
                .containsExactly("tensorboard");

        assertThat(run("config", runFile.toString())).isZero();
        assertThat(ConfigFactory.parseString(out).getConfigList("callbacks")).as("report-to = [none]").isEmpty();

        Path bad = write("bad-report.conf", RUN.replace("args {", "args { report-to = [wandb],"));
        assertThat(run("config", bad.toString())).isEqualTo(2);
        assertThat(err).contains("args.report-to").contains("wandb");
    }

    @Test
    void logLevelSetsTrainer4jsLoggersForTheCommand() throws IOException {
        ch.qos.logback.classic.Logger logger = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.trainer4j");
        ch.qos.logback.classic.Level before = logger.getLevel();
        try {
            CliCommand.applyLogLevel("warning");
            assertThat(logger.getLevel()).isEqualTo(ch.qos.logback.classic.Level.WARN);
            CliCommand.applyLogLevel("critical");
            assertThat(logger.getLevel()).isEqualTo(ch.qos.logback.classic.Level.ERROR);
            CliCommand.applyLogLevel("passive");
            assertThat(logger.getLevel()).isEqualTo(ch.qos.logback.classic.Level.ERROR);
        }
        finally {
            logger.setLevel(before);
        }
        Path quiet = write("quiet.conf", RUN + "args { log_level = error }\n");
        assertThat(run("config", quiet.toString())).isZero();
        assertThat(logger.getLevel()).as("restored after the command").isEqualTo(before);
    }

    @Test
    void aRefusedHuggingFaceNameIsAConfigErrorWithItsReason() throws IOException {
        Path bad = write("hub.conf", RUN + "args { push_to_hub = true }\n");

        assertThat(run("config", bad.toString())).isEqualTo(2);

        assertThat(err).startsWith("trainer4j config: args.push_to_hub: 'push_to_hub' (Hugging Face) is not supported:")
                .contains("; instead: ");
    }

    @Test
    void configErrorIsOneMessageWithoutStackTraceAndExitCode2() throws IOException {
        Path bad = write("bad.conf", RUN + "args { lerning-rate = 0.1 }\n");

        assertThat(run("config", bad.toString())).isEqualTo(2);

        assertThat(err).startsWith("trainer4j config: args.lerning-rate: unknown setting")
                .contains("did you mean 'learning-rate'?")
                .doesNotContain("\tat ");
        assertThat(err.lines()).hasSize(1);
        assertThat(out).isEmpty();
    }

    @Test
    void verboseAddsTheStackTrace() throws IOException {
        Path bad = write("bad.conf", RUN + "args { lerning-rate = 0.1 }\n");

        assertThat(run("config", bad.toString(), "--verbose")).isEqualTo(2);

        assertThat(err).contains("ConfigurationException").contains("\tat ");
    }

    @Test
    void trainRefusesAnUnknownPluginNameBeforeTraining() throws IOException {
        Path bad = write("bad.conf", RUN + "metrics = [cli-test-metrc]\n");

        assertThat(run("train", bad.toString())).isEqualTo(2);

        assertThat(err).startsWith("trainer4j train: metrics[0]: unknown metric 'cli-test-metrc'")
                .contains("did you mean 'cli-test-metric'?");
    }

    @Test
    void trainRefusesARunWithoutTrainingData() throws IOException {
        Path noData = write("no-data.conf", "model = cli-test-model\nbackend = cli-test-backend\n");

        assertThat(run("train", noData.toString())).isEqualTo(2);

        assertThat(err).startsWith("trainer4j train: data.train: missing");
    }

    @Test
    void trainRefusesABadOverrideAndAMissingFile() {
        assertThat(run("train", runFile.toString(), "--set", "args.learning-rate")).isEqualTo(2);
        assertThat(err).contains("expected key=value");

        assertThat(run("train", runFile.toString(), "--set", "args.learning-rate=-1")).isEqualTo(2);
        assertThat(err).contains("args.learning-rate: -1.0 is not allowed; expected a number >= 0");

        Path missing = directory.resolve("missing.conf");
        assertThat(run("train", missing.toString())).isEqualTo(2);
        assertThat(err).contains("run file " + missing + " does not exist");
    }

    @Test
    void trainWithoutAFileUsesTheDefaultRunFileAndAssemblesTheRun() {
        assertThat(run("train", "--set", "args.learning-rate=0.5")).isEqualTo(1);

        assertThat(err).contains("trainer4j train failed: IllegalStateException: cli test backend asked for a trainer: "
                + "model cli-test-model(hidden-size=32), learning-rate 0.5, 1 metric(s)");
        assertThat(err).contains("--verbose");
    }

    @Test
    void trainWithoutAFileAndWithoutTheDefaultRunFileIsAUsageError() {
        CliContext noDefault = new CliContext(Trainer4j::create, directory.resolve("samples/digits/run.conf"));

        assertThat(run(noDefault, "train")).isEqualTo(2);

        assertThat(err).contains("no run file given and the default run file").contains(CliContext.DEFAULT_RUN_PROPERTY);
    }

    @Test
    void defaultRunFileComesFromThePropertyThenTheEnvironmentThenTheSample() {
        Properties properties = new Properties();
        Map<String, String> environment = Map.of(CliContext.DEFAULT_RUN_ENV, "/env/run.conf");

        assertThat(CliContext.defaultRunFile(properties, Map.of())).isEqualTo(Path.of("samples/text-classification/run.conf"));
        assertThat(CliContext.defaultRunFile(properties, environment)).isEqualTo(Path.of("/env/run.conf"));
        properties.setProperty(CliContext.DEFAULT_RUN_PROPERTY, "/property/run.conf");
        assertThat(CliContext.defaultRunFile(properties, environment)).isEqualTo(Path.of("/property/run.conf"));
    }
}
