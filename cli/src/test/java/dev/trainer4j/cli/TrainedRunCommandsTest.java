package dev.trainer4j.cli;

import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.loop.Checkpoints;
import dev.trainer4j.runtime.Trainer4j;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code evaluate}, {@code export} and {@code report} on a real run: a tiny mlp-classifier trained by
 * {@code trainer4j train} on the TensorFlow backend for 6 steps, saving every 2 (checkpoint-2, -4, -6) and tracking
 * the best by eval accuracy. Evaluate must print exactly what the in-process trainer's evaluate gives after
 * {@link Trainer#loadModel} of the same checkpoint.
 */
final class TrainedRunCommandsTest {
    private static final int FEATURES = 4;

    @TempDir
    static Path directory;
    private static Path runFile;
    private static Path outputDir;

    private String out;
    private String err;

    @BeforeAll
    static void train() throws IOException {
        Random random = new Random(7);
        Files.writeString(directory.resolve("train.jsonl"), rows(random, 48));
        Files.writeString(directory.resolve("eval.jsonl"), rows(random, 24));
        outputDir = directory.resolve("out");
        runFile = directory.resolve("run.conf");
        Files.writeString(runFile, """
                model { type = mlp-classifier, input-size = %d, hidden-sizes = [8], num-labels = 2, dropout = 0.0 }
                data { train { type = jsonl, path = train.jsonl }, eval { type = jsonl, path = eval.jsonl } }
                metrics = [accuracy]
                callbacks = [jsonl-logger]
                args {
                  output-dir = "%s"
                  max-steps = 6
                  per-device-train-batch-size = 8
                  per-device-eval-batch-size = 16
                  learning-rate = 0.05
                  logging-steps = 1
                  eval-strategy = steps
                  eval-steps = 2
                  save-strategy = steps
                  save-steps = 2
                  metric-for-best-model = accuracy
                  disable-progress = true
                  seed = 3
                }
                """.formatted(FEATURES, outputDir.toString().replace("\\", "\\\\")));
        StringWriter trainErr = new StringWriter();
        int code = Trainer4jCli.run(CliContext.fromEnvironment(), new PrintWriter(new StringWriter()), new PrintWriter(trainErr),
                "train", runFile.toString());
        assertThat(code).as(trainErr.toString()).isZero();
        assertThat(Checkpoints.list(outputDir)).extracting(path -> path.getFileName().toString())
                .containsExactly("checkpoint-2", "checkpoint-4", "checkpoint-6");
    }

    /** Label 1 when the first two features outweigh the last two; values in (0, 1), never integral. */
    /** {@code count} jsonl rows of 4 features in (0, 1) and a label: 1 when the first two outweigh the last two. */
    static String rows(Random random, int count) {
        return IntStream.range(0, count).mapToObj(i -> {
            double[] x = IntStream.range(0, FEATURES).mapToDouble(f -> (random.nextInt(998) + 1) / 1000.0).toArray();
            int label = x[0] + x[1] > x[2] + x[3] ? 1 : 0;
            return "{\"features\":[" + Stream.of(x[0], x[1], x[2], x[3]).map(String::valueOf).collect(Collectors.joining(","))
                    + "],\"label\":" + label + "}";
        }).collect(Collectors.joining("\n", "", "\n"));
    }

    private int run(String... args) {
        StringWriter outText = new StringWriter();
        StringWriter errText = new StringWriter();
        int code = Trainer4jCli.run(CliContext.fromEnvironment(), new PrintWriter(outText), new PrintWriter(errText), args);
        out = outText.toString();
        err = errText.toString();
        return code;
    }

    /** The {@code name = value} lines of evaluate's output, without the timing keys. */
    private static Map<String, Double> printedMetrics(String printed) {
        Map<String, Double> metrics = new TreeMap<>();
        printed.lines().filter(line -> line.startsWith("  ")).forEach(line -> {
            String[] parts = line.trim().split(" = ");
            metrics.put(parts[0], Double.parseDouble(parts[1]));
        });
        return withoutTimings(metrics);
    }

    private static Map<String, Double> withoutTimings(Map<String, Double> metrics) {
        Map<String, Double> kept = new TreeMap<>(metrics);
        kept.keySet().removeIf(key -> key.endsWith("_runtime") || key.endsWith("_per_second"));
        return kept;
    }

    /** What the in-process trainer's evaluate gives after loading {@code checkpoint} (null: the fresh weights). */
    private static Map<String, Double> inProcess(Path checkpoint) {
        Trainer4j runtime = Trainer4j.create();
        try (Trainer trainer = runtime.trainer(runtime.load(runFile, ConfigFactory.empty()))) {
            if (checkpoint != null) {
                trainer.loadModel(checkpoint);
            }
            return withoutTimings(trainer.evaluate());
        }
    }

    private static Path bestCheckpoint() {
        TrainerState state = Checkpoints.readTrainerState(outputDir.resolve("checkpoint-6").resolve(Checkpoints.TRAINER_STATE));
        assertThat(state.bestModelCheckpoint()).isNotNull();
        return outputDir.resolve(Path.of(state.bestModelCheckpoint()).getFileName());
    }

    /** Saves the weights of checkpoint-6 as a saved model folder (Trainer.saveModel) in-process. */
    private static Path savedModelOfCheckpoint6(String name) {
        Path saved = directory.resolve(name);
        Trainer4j runtime = Trainer4j.create();
        try (Trainer trainer = runtime.trainer(runtime.load(runFile, ConfigFactory.empty()))) {
            trainer.loadModel(outputDir.resolve("checkpoint-6"));
            trainer.saveModel(saved);
        }
        return saved;
    }

    /** predict drops the run's metrics, so a metric-for-best-model naming one of them is refused (seen here; not this test's subject). */
    private static final String NO_BEST_METRIC = "args.metric-for-best-model=loss";

    @Test
    void predictWithASavedModelWritesWhatPredictWithItsCheckpointWrites() throws IOException {
        Path saved = savedModelOfCheckpoint6("saved-for-predict");
        Path fromCheckpoint = directory.resolve("predict-checkpoint.jsonl");
        Path fromModel = directory.resolve("predict-model.jsonl");

        assertThat(run("predict", runFile.toString(), "--input", directory.resolve("eval.jsonl").toString(),
                "--output", fromCheckpoint.toString(), "--checkpoint", outputDir.resolve("checkpoint-6").toString(),
                "--set", NO_BEST_METRIC)).as(err).isZero();
        assertThat(run("predict", runFile.toString(), "--input", directory.resolve("eval.jsonl").toString(),
                "--output", fromModel.toString(), "--model", saved.toString(), "--set", NO_BEST_METRIC)).as(err).isZero();

        assertThat(Files.readAllLines(fromModel)).hasSize(24).containsExactlyElementsOf(Files.readAllLines(fromCheckpoint));
    }

    @Test
    void initFromASavedModelInARunFileLoadsEveryVariable() {
        Path saved = savedModelOfCheckpoint6("saved-for-init-from");
        Trainer4j runtime = Trainer4j.create();
        Map<String, Double> fromCheckpoint = inProcess(outputDir.resolve("checkpoint-6"));
        // min-loaded = 1.0: the run fails unless every variable of the model loads
        try (Trainer trainer = runtime.trainer(runtime.load(runFile, ConfigFactory.parseString(
                "init-from { path = \"" + saved.toString().replace("\\", "\\\\") + "\", min-loaded = 1.0 }")))) {
            assertThat(withoutTimings(trainer.evaluate())).isEqualTo(fromCheckpoint);
        }
    }

    @Test
    void evaluateLatestPrintsWhatTheTrainerGivesAfterLoadingTheLatestCheckpoint() throws IOException {
        assertThat(run("evaluate", runFile.toString(), "--checkpoint", "latest")).as(err).isZero();
        // the run's jsonl-logger records the evaluation at the step of the loaded weights
        List<String> log = Files.readAllLines(outputDir.resolve("metrics.jsonl"));
        assertThat(log.get(log.size() - 1)).startsWith("{\"event\":\"evaluate\",\"step\":6,\"epoch\":");

        Path latest = outputDir.resolve("checkpoint-6");
        assertThat(out).startsWith("evaluate: " + latest + " (latest)\n");
        Map<String, Double> printed = printedMetrics(out);
        assertThat(printed).containsOnlyKeys("eval_loss", "eval_accuracy");
        assertThat(printed).isEqualTo(inProcess(latest));
        // the weights were loaded: six steps at learning rate 0.05 moved the loss away from the fresh model's
        assertThat(printed.get("eval_loss")).isNotEqualTo(inProcess(null).get("eval_loss"));
        List<String> lines = out.lines().skip(1).toList();
        assertThat(lines).isSortedAccordingTo(Comparator.naturalOrder());
    }

    @Test
    void evaluateDefaultsToTheBestCheckpointAndBestIsTheSame() {
        Path best = bestCheckpoint();
        Map<String, Double> expected = inProcess(best);

        assertThat(run("evaluate", runFile.toString())).as(err).isZero();
        assertThat(out).startsWith("evaluate: " + best + " (best (best metric ");
        assertThat(printedMetrics(out)).isEqualTo(expected);

        assertThat(run("evaluate", runFile.toString(), "--checkpoint", "best")).as(err).isZero();
        assertThat(out).startsWith("evaluate: " + best + " (best");
        assertThat(printedMetrics(out)).isEqualTo(expected);
    }

    @Test
    void evaluateAnExplicitFolderWithOverrides() {
        Path two = outputDir.resolve("checkpoint-2");

        assertThat(run("evaluate", runFile.toString(), "--checkpoint", two.toString(),
                "--set", "args.per-device-eval-batch-size=5")).as(err).isZero();

        assertThat(out).startsWith("evaluate: " + two + " (given)\n");
        Map<String, Double> printed = printedMetrics(out);
        Map<String, Double> expected = inProcess(two);
        assertThat(printed.get("eval_accuracy")).isEqualTo(expected.get("eval_accuracy"));
        // other batches sum the loss in another order: equal up to float rounding
        assertThat(printed.get("eval_loss")).isCloseTo(expected.get("eval_loss"), org.assertj.core.data.Offset.offset(1e-5));
        assertThat(printed.get("eval_loss")).isNotEqualTo(inProcess(outputDir.resolve("checkpoint-6")).get("eval_loss"));
    }

    @Test
    void aTruncatedCheckpointFileIsAUsageErrorNamingIt() throws IOException {
        Path copy = directory.resolve("damaged").resolve("checkpoint-2");
        Path original = outputDir.resolve("checkpoint-2");
        try (Stream<Path> files = Files.walk(original)) {
            for (Path file : files.toList()) {
                Path target = copy.resolve(original.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                }
                else {
                    Files.copy(file, target);
                }
            }
        }
        Path largest;
        try (Stream<Path> files = Files.walk(copy.resolve(Checkpoints.ENGINE_DIR))) {
            largest = files.filter(Files::isRegularFile).max(Comparator.comparingLong(TrainedRunCommandsTest::size)).orElseThrow();
        }
        long size = size(largest);
        try (FileChannel channel = FileChannel.open(largest, StandardOpenOption.WRITE)) {
            channel.truncate(size / 2);
        }
        String relative = copy.relativize(largest).toString().replace('\\', '/');

        assertThat(run("evaluate", runFile.toString(), "--checkpoint", copy.toString())).isEqualTo(2);

        assertThat(err).isEqualTo("trainer4j evaluate: --checkpoint " + copy + ": checkpoint " + copy + " is damaged: "
                + relative + " has " + size / 2 + " bytes but the manifest says " + size + " (truncated or overwritten)\n");
        assertThat(out).isEmpty();
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void reportWritesReportHtmlOfTheRun() throws IOException {
        assertThat(run("report", outputDir.toString())).as(err).isZero();

        Path report = outputDir.resolve("report.html");
        assertThat(out).isEqualTo("report: " + report + "\n");
        assertThat(Files.readString(report)).contains("eval_accuracy").contains("metrics-data");
    }

    @Test
    void exportWritesASavedModelOrFailsCleanlyWhereTheBackendCannotExportYet() {
        Path output = directory.resolve("exported");

        int code = run("export", runFile.toString(), "--checkpoint", "latest", "--output", output.toString());

        if (code == 0) {
            assertThat(output.resolve("saved_model.pb")).isRegularFile();
            assertThat(out).startsWith("export: " + output + " (model of " + outputDir.resolve("checkpoint-6"));
        }
        else {
            // this tree's TensorFlow engine has no SavedModel export yet: one clear message, exit code 1
            assertThat(code).isEqualTo(1);
            assertThat(err).startsWith("trainer4j export failed: IllegalStateException: backend 'tensorflow' cannot export "
                    + "models yet: this backend cannot export models");
        }
    }
}
