package dev.trainer4j.cli;

import dev.trainer4j.api.TrainerState;
import dev.trainer4j.loop.CheckpointManifest;
import dev.trainer4j.loop.Checkpoints;
import dev.trainer4j.runtime.Trainer4j;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The argument, checkpoint-selection and error paths of {@code evaluate}, {@code export} and {@code report}, on
 * hand-made checkpoints and the {@code cli-export-backend} of {@link CliTestPlugin} (no TensorFlow). The trained
 * end-to-end paths are in {@link TrainedRunCommandsTest}.
 */
final class CheckpointCommandsTest {
    @TempDir
    Path directory;
    private Path outputDir;
    private Path runFile;
    private CliContext context;
    private String out;
    private String err;

    @BeforeEach
    void writeRunFile() throws IOException {
        outputDir = directory.resolve("out");
        runFile = directory.resolve("run.conf");
        Files.writeString(runFile, runText(outputDir.toString()));
        context = new CliContext(Trainer4j::create, runFile);
    }

    private static String runText(String outputDir) {
        return """
                model = cli-test-model
                data { train = cli-test-dataset, eval = cli-test-dataset }
                backend = cli-export-backend
                args { output-dir = "%s" }
                """.formatted(outputDir.replace("\\", "\\\\"));
    }

    private int run(String... args) {
        StringWriter outText = new StringWriter();
        StringWriter errText = new StringWriter();
        int code = Trainer4jCli.run(context, new PrintWriter(outText), new PrintWriter(errText), args);
        out = outText.toString();
        err = errText.toString();
        return code;
    }

    /** A checkpoint as the trainer writes it, as far as loading reads it: engine/weights.txt, trainer_state.json, manifest. */
    private Path checkpoint(long step, String weights, Long bestStep) throws IOException {
        Path folder = outputDir.resolve(Checkpoints.name(step));
        Files.createDirectories(folder.resolve(Checkpoints.ENGINE_DIR));
        Files.writeString(folder.resolve(Checkpoints.ENGINE_DIR).resolve(CliTestPlugin.WEIGHTS_FILE), weights);
        TrainerState state = new TrainerState();
        state.setGlobalStep(step);
        if (bestStep != null) {
            state.setBestGlobalStep(bestStep);
            state.setBestMetric(0.75);
            // as written during training: relative to the training's working directory, not to this folder
            state.setBestModelCheckpoint("some/other/cwd/" + Checkpoints.name(bestStep));
        }
        Checkpoints.writeTrainerState(folder.resolve(Checkpoints.TRAINER_STATE), state);
        CheckpointManifest.write(folder, step);
        return folder;
    }

    private String exported(Path output) throws IOException {
        return Files.readString(output.resolve(CliTestPlugin.EXPORT_MARKER));
    }

    @Test
    void everyNewCommandHasHelp() {
        assertThat(run("--help")).isZero();
        assertThat(out).contains("evaluate").contains("export").contains("report");
        for (String command : new String[] {"evaluate", "export", "report"}) {
            assertThat(run(command, "--help")).as(command).isZero();
            assertThat(out).contains("Usage: trainer4j " + command);
        }
        assertThat(run("evaluate", "--help")).isZero();
        assertThat(out).contains("--checkpoint=DIR|latest|best").contains("--set=KEY=VALUE").contains("RUN_FILE");
        assertThat(run("export", "--help")).isZero();
        assertThat(out).contains("--output=DIR").contains("--run=FILE").contains("RUN_FILE|CHECKPOINT_DIR");
        assertThat(run("report", "--help")).isZero();
        assertThat(out).contains("OUTPUT_DIR");
    }

    @Test
    void aParsingErrorIsOneLineWithExitCode2() {
        assertThat(run("export", runFile.toString(), "--output")).isEqualTo(2);
        assertThat(err.lines()).hasSize(1);
        assertThat(err).startsWith("trainer4j export: Missing required parameter for option '--output'")
                .contains("see 'trainer4j export --help'");

        assertThat(run("evaluate", "--no-such-option")).isEqualTo(2);
        assertThat(err.lines()).hasSize(1);
        assertThat(err).contains("trainer4j evaluate: Unknown option: '--no-such-option'");

        assertThat(run("evalute")).isEqualTo(2);
        assertThat(err).startsWith("trainer4j: Unmatched argument at index 0: 'evalute'; did you mean evaluate")
                .endsWith("? (see 'trainer4j --help')\n");
        assertThat(err.lines()).hasSize(1);
    }

    @Test
    void exportWithoutCheckpointOptionUsesTheBestNamedByTheLatestCheckpoint() throws IOException {
        checkpoint(2, "weights of step 2", null);
        checkpoint(4, "weights of step 4", null);
        checkpoint(6, "weights of step 6", 4L);
        Path output = directory.resolve("exported");

        assertThat(run("export", runFile.toString(), "--output", output.toString())).as(err).isZero();

        assertThat(exported(output)).isEqualTo("exported weights of step 4");
        assertThat(out).contains("export: " + output).contains(outputDir.resolve("checkpoint-4").toString())
                .contains("best (best metric 0.75 at step 4)");
    }

    @Test
    void exportWithoutABestUsesTheLatestAndLatestSkipsADamagedNewerCheckpoint() throws IOException {
        checkpoint(2, "weights of step 2", null);
        Path damaged = checkpoint(4, "weights of step 4", null);
        Files.writeString(damaged.resolve(Checkpoints.ENGINE_DIR).resolve(CliTestPlugin.WEIGHTS_FILE), "w");
        Path output = directory.resolve("exported");

        assertThat(run("export", runFile.toString(), "--output", output.toString())).as(err).isZero();

        assertThat(exported(output)).isEqualTo("exported weights of step 2");
        assertThat(err).contains("warning: skipping damaged or unfinished checkpoint " + damaged)
                .contains("engine/weights.txt has 1 bytes but the manifest says 17");
    }

    @Test
    void exportLatestAndAnExplicitFolderAndACheckpointFolderWithRun() throws IOException {
        Path two = checkpoint(2, "weights of step 2", null);
        checkpoint(4, "weights of step 4", 2L);

        Path latest = directory.resolve("latest-export");
        assertThat(run("export", runFile.toString(), "--checkpoint", "latest", "--output", latest.toString())).as(err).isZero();
        assertThat(exported(latest)).isEqualTo("exported weights of step 4");

        Path given = directory.resolve("given-export");
        assertThat(run("export", runFile.toString(), "--checkpoint", two.toString(), "--output", given.toString())).as(err).isZero();
        assertThat(exported(given)).isEqualTo("exported weights of step 2");

        Path fromFolder = directory.resolve("folder-export");
        Files.createDirectories(fromFolder); // an existing empty folder is fine
        assertThat(run("export", two.toString(), "--run", runFile.toString(), "--output", fromFolder.toString())).as(err).isZero();
        assertThat(exported(fromFolder)).isEqualTo("exported weights of step 2");
    }

    @Test
    void exportRefusesANonEmptyOutputFolderBeforeLoadingAnything() throws IOException {
        checkpoint(2, "weights of step 2", null);
        Path output = Files.createDirectories(directory.resolve("exported"));
        Files.writeString(output.resolve("keep.txt"), "mine");

        assertThat(run("export", runFile.toString(), "--output", output.toString())).isEqualTo(2);

        assertThat(err).isEqualTo("trainer4j export: --output " + output + " is not empty; expected a new or empty folder "
                + "(remove it or choose another)\n");
        assertThat(output.resolve(CliTestPlugin.EXPORT_MARKER)).doesNotExist();
        assertThat(Files.readString(output.resolve("keep.txt"))).isEqualTo("mine");
    }

    @Test
    void exportArgumentErrors() throws IOException {
        Path two = checkpoint(2, "weights of step 2", null);
        String output = directory.resolve("exported").toString();

        assertThat(run("export", runFile.toString())).isEqualTo(2);
        assertThat(err).isEqualTo("trainer4j export: missing --output DIR: where to write the exported model\n");

        assertThat(run("export", two.toString(), "--output", output)).isEqualTo(2);
        assertThat(err).startsWith("trainer4j export: " + two + " is a checkpoint folder; a checkpoint stores the training "
                + "arguments but not the model, so give the run file too");

        assertThat(run("export", two.toString(), "--run", runFile.toString(), "--checkpoint", "latest", "--output", output))
                .isEqualTo(2);
        assertThat(err).contains("give the checkpoint once");

        assertThat(run("export", runFile.toString(), "--run", runFile.toString(), "--output", output)).isEqualTo(2);
        assertThat(err).contains("--run is only for a checkpoint folder as the first argument; " + runFile + " is not a folder");
        assertThat(Path.of(output)).doesNotExist();
    }

    @Test
    void bestWithoutABestIsAUsageErrorNamingTheStateFile() throws IOException {
        checkpoint(2, "weights of step 2", null);
        Path state = outputDir.resolve("checkpoint-2").resolve(Checkpoints.TRAINER_STATE);

        assertThat(run("evaluate", runFile.toString(), "--checkpoint", "best")).isEqualTo(2);

        assertThat(err).startsWith("trainer4j evaluate: --checkpoint best: " + state + " names no best_model_checkpoint")
                .contains("args.metric-for-best-model");
        assertThat(err.lines()).hasSize(1);
        assertThat(out).isEmpty();
    }

    @Test
    void aMissingCheckpointFolderIsAUsageError() {
        Path missing = directory.resolve("out/checkpoint-99");

        assertThat(run("evaluate", runFile.toString(), "--checkpoint", missing.toString())).isEqualTo(2);

        assertThat(err).startsWith("trainer4j evaluate: --checkpoint " + missing + ": no such folder");
        assertThat(err.lines()).hasSize(1);
    }

    @Test
    void aDamagedExplicitCheckpointIsAUsageErrorNamingTheFile() throws IOException {
        Path two = checkpoint(2, "weights of step 2", null);
        Files.writeString(two.resolve(Checkpoints.ENGINE_DIR).resolve(CliTestPlugin.WEIGHTS_FILE), "weights");
        String output = directory.resolve("exported").toString();

        assertThat(run("export", runFile.toString(), "--checkpoint", two.toString(), "--output", output)).isEqualTo(2);

        assertThat(err).isEqualTo("trainer4j export: --checkpoint " + two + ": checkpoint " + two + " is damaged: "
                + "engine/weights.txt has 7 bytes but the manifest says 17 (truncated or overwritten)\n");
        assertThat(Path.of(output)).doesNotExist();
    }

    @Test
    void aDamagedBestIsAnErrorNotASilentFallback() throws IOException {
        Path best = checkpoint(2, "weights of step 2", null);
        checkpoint(4, "weights of step 4", 2L);
        Files.delete(best.resolve(Checkpoints.TRAINER_STATE));

        assertThat(run("evaluate", runFile.toString())).isEqualTo(2);

        assertThat(err).startsWith("trainer4j evaluate: the best checkpoint (best_model_checkpoint of "
                + outputDir.resolve("checkpoint-4").resolve(Checkpoints.TRAINER_STATE) + "): checkpoint " + best
                + " is damaged: trainer_state.json is missing");
    }

    @Test
    void latestWithoutCheckpointsSaysSoAndExplainsTimestampFolders() throws IOException {
        assertThat(run("evaluate", runFile.toString())).isEqualTo(2);
        assertThat(err).isEqualTo("trainer4j evaluate: no --checkpoint given: args.output-dir " + outputDir
                + " does not exist; train first, or give the checkpoint as a path with --checkpoint DIR\n");

        Files.createDirectories(outputDir);
        assertThat(run("evaluate", runFile.toString(), "--checkpoint", "latest")).isEqualTo(2);
        assertThat(err).startsWith("trainer4j evaluate: --checkpoint latest: args.output-dir " + outputDir
                + " holds no intact checkpoint-<step> folder;");

        Path stamped = directory.resolve("stamped.conf");
        Files.writeString(stamped, runText(directory.resolve("runs/x-{timestamp}").toString()));
        assertThat(run("evaluate", stamped.toString(), "--checkpoint", "latest")).isEqualTo(2);
        assertThat(err).contains("does not exist; the run file's output-dir has {timestamp}, which names a new folder on "
                + "every invocation and no earlier folder of that pattern holds a checkpoint; train first, or give the "
                + "checkpoint as a path: --checkpoint runs/<run-folder>/checkpoint-<step>");
        assertThat(err.lines()).hasSize(1);
    }

    @Test
    void evaluateRefusesARunWithoutEvalData() throws IOException {
        checkpoint(2, "weights of step 2", null);
        Path noEval = directory.resolve("no-eval.conf");
        Files.writeString(noEval, runText(outputDir.toString()).replace(", eval = cli-test-dataset", ""));

        assertThat(run("evaluate", noEval.toString())).isEqualTo(2);

        assertThat(err).startsWith("trainer4j evaluate: data.eval: missing");
    }

    @Test
    void exportOnABackendWithoutExportFailsWithExitCode1() throws IOException {
        checkpoint(2, "weights of step 2", null);
        Path stopping = directory.resolve("stopping.conf");
        Files.writeString(stopping, runText(outputDir.toString()).replace("cli-export-backend", "cli-test-backend"));

        assertThat(run("export", stopping.toString(), "--output", directory.resolve("exported").toString())).isEqualTo(1);

        // the cli-test-backend stops when asked for a trainer: the checkpoint was chosen and the run assembled
        assertThat(err).startsWith("trainer4j export failed: IllegalStateException: cli test backend asked for a trainer");
    }

    @Test
    void reportErrors() throws IOException {
        Path missing = directory.resolve("nowhere");
        assertThat(run("report", missing.toString())).isEqualTo(2);
        assertThat(err).isEqualTo("trainer4j report: output folder " + missing + " does not exist\n");

        Files.createDirectories(outputDir);
        assertThat(run("report", outputDir.toString())).isEqualTo(2);
        assertThat(err).isEqualTo("trainer4j report: " + outputDir + " has no metrics.jsonl to report on; the run needs the "
                + "jsonl-logger callback (callbacks = [jsonl-logger, ...])\n");
        assertThat(outputDir.resolve("report.html")).doesNotExist();

        assertThat(run("report")).isEqualTo(2);
        assertThat(err).startsWith("trainer4j report: missing OUTPUT_DIR");
    }

    @Test
    void reportWritesTheHtmlAndPrintsItsPath() throws IOException {
        Files.createDirectories(outputDir);
        Files.writeString(outputDir.resolve("metrics.jsonl"), """
                {"event":"log","step":1,"epoch":0.5,"time":1.0,"loss":0.9,"learning_rate":0.01}
                {"event":"log","step":2,"epoch":1.0,"time":2.0,"loss":0.7,"learning_rate":0.01}
                """);

        assertThat(run("report", outputDir.toString())).as(err).isZero();

        Path report = outputDir.resolve("report.html");
        assertThat(out).isEqualTo("report: " + report + "\n");
        assertThat(Files.readString(report)).contains("<html").contains("\"loss\":0.7");
    }
}
