package dev.trainer4j.loop;

import dev.trainer4j.api.CheckpointException;
import dev.trainer4j.api.Callback;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.loop.CheckpointFixtures.CrashAt;
import dev.trainer4j.loop.CheckpointFixtures.Outcome;
import dev.trainer4j.testing.FakeBackend;
import dev.trainer4j.testing.FakeData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.trainer4j.loop.CheckpointFixtures.args;
import static dev.trainer4j.loop.CheckpointFixtures.run;
import static dev.trainer4j.loop.CheckpointFixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Trainer-level checkpoint safety on the fake backend: damaged checkpoints, best model, refusal, failed saves. */
class CheckpointSafetyTest {
    @TempDir
    Path root;

    private static void crash(TrainerSpec spec, long step) {
        try (Trainer trainer = new DefaultTrainer(spec.toBuilder().addCallback(new CheckpointFixtures.StepCounter()).addCallback(new CrashAt(step)).build(), new FakeBackend())) {
            assertThatThrownBy(trainer::train).hasMessageContaining("simulated crash at step " + step);
        }
    }

    /** Every entry of {@code dir}, sorted: the run's lock file, checkpoints, and nothing left half written. */
    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(path -> path.getFileName().toString()).sorted().toList();
        }
    }

    private static void truncate(Path file, long size) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(size);
        }
    }

    private static void assertSameRun(Outcome actual, Outcome expected) {
        assertThat(actual.history()).isEqualTo(expected.history());
        assertThat(actual.weights()).containsExactly(expected.weights(), within(0.0));
        assertThat(actual.trainLoss()).isEqualTo(expected.trainLoss());
        assertThat(actual.countedSteps()).isEqualTo(expected.countedSteps());
    }

    @SuppressWarnings("unchecked")
    private static double[] savedWeights(Path checkpoint) {
        List<Number> params = (List<Number>) Checkpoints.readJson(checkpoint.resolve("engine/fake-engine.json")).get("params");
        return params.stream().mapToDouble(Number::doubleValue).toArray();
    }

    @Test
    void aNamedDamagedCheckpointIsRefusedAndLatestFallsBackToTheNewestIntactOne() throws Exception {
        Outcome straight = run(spec(args(root.resolve("straight")).build()).build(), null);
        assertThat(straight.countedSteps()).isEqualTo(12);

        Path dir = root.resolve("crashed");
        TrainerSpec spec = spec(args(dir).build()).build();
        crash(spec, 10);
        assertThat(names(dir)).containsExactly(OutputDirLock.FILE, "checkpoint-3", "checkpoint-6", "checkpoint-9");
        Path damaged = dir.resolve("checkpoint-9");
        long size = Files.size(damaged.resolve("engine/fake-engine.json"));
        truncate(damaged.resolve("engine/fake-engine.json"), size / 2);

        try (Trainer trainer = new DefaultTrainer(spec, new FakeBackend())) {
            assertThatThrownBy(() -> trainer.train(damaged.toString()))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessage("resume-from-checkpoint: checkpoint " + damaged + " is damaged and is not resumed: "
                            + "engine/fake-engine.json has " + size / 2 + " bytes but the manifest says " + size
                            + " (truncated or overwritten); resume from an earlier checkpoint, or use 'latest' to take "
                            + "the newest intact one");
        }
        // through args.resume-from-checkpoint: skips checkpoint-9, resumes from checkpoint-6, ends exactly as straight
        Outcome resumed = run(spec(args(dir).resumeFromCheckpoint("latest").build()).build(), null);
        assertSameRun(resumed, straight);
        assertThat(Checkpoints.verify(damaged)).isEmpty();
    }

    @Test
    void anUnfinishedCheckpointWithoutManifestIsRefusedWhenNamed() throws Exception {
        Path dir = root.resolve("run");
        TrainerSpec spec = spec(args(dir).build()).build();
        crash(spec, 4);
        Files.delete(dir.resolve("checkpoint-3/manifest.json"));
        try (Trainer trainer = new DefaultTrainer(spec, new FakeBackend())) {
            assertThatThrownBy(() -> trainer.train(dir.resolve("checkpoint-3").toString()))
                    .hasMessageContaining("checkpoint " + dir.resolve("checkpoint-3") + " is damaged")
                    .hasMessageContaining("manifest.json is missing");
            assertThatThrownBy(() -> trainer.train("latest"))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("holds no intact checkpoint-<step> folder; skipped: checkpoint-3 (manifest.json is missing");
        }
    }

    @Test
    void loadBestModelAtEndRestoresTheBestWeightsAndLimitOneKeepsTwoThenOnlyTheBest() {
        Path dir = root.resolve("best");
        Iterator<Double> scores = List.of(1.0, 4.0, 2.0, 3.0).iterator();
        List<List<String>> afterEachSave = new ArrayList<>();
        List<double[]> lastStepWeights = new ArrayList<>();
        Callback listing = new Callback() {
            @Override
            public void onSave(TrainingArguments args, TrainerState state, TrainerControl control) {
                afterEachSave.add(Checkpoints.list(dir).stream().map(p -> p.getFileName().toString()).toList());
                if (state.globalStep() == 12) {
                    lastStepWeights.add(savedWeights(dir.resolve("checkpoint-12")));
                }
            }
        };
        TrainingArguments args = args(dir).evalStrategy(IntervalStrategy.STEPS).evalSteps(3.0).metricForBestModel("score")
                .loadBestModelAtEnd(true).saveTotalLimit(1).build();
        FakeBackend backend = new FakeBackend();
        try (Trainer trainer = new DefaultTrainer(spec(args).evalDataset(FakeData.regression(2, 3, 9))
                .computeMetrics(prediction -> Map.of("score", scores.next())).addCallback(listing).build(), backend)) {
            trainer.train();
            assertThat(trainer.state().bestGlobalStep()).isEqualTo(6);
            assertThat(trainer.state().bestModelCheckpoint()).isEqualTo(dir.resolve("checkpoint-6").toString());
        }
        assertThat(afterEachSave).containsExactly(List.of("checkpoint-3"), List.of("checkpoint-6"),
                List.of("checkpoint-6", "checkpoint-9"), List.of("checkpoint-6", "checkpoint-12"));
        assertThat(Checkpoints.list(dir)).containsExactly(dir.resolve("checkpoint-6"));
        double[] best = savedWeights(dir.resolve("checkpoint-6"));
        assertThat(backend.lastEngine().parameters()).containsExactly(best, within(0.0));
        assertThat(best).isNotEqualTo(lastStepWeights.get(0));
        assertThat(backend.lastEngine().calls()).contains("restore(MODEL)");
    }

    @Test
    void saveOnlyModelCheckpointsHoldOnlyWeightsAndCannotBeResumed() throws Exception {
        Path dir = root.resolve("model-only");
        TrainerSpec spec = spec(args(dir).saveOnlyModel(true).build()).build();
        crash(spec, 7);
        Map<String, Object> engineState = Checkpoints.readJson(dir.resolve("checkpoint-6/engine/fake-engine.json"));
        assertThat(engineState).containsOnlyKeys("params");
        assertThat(Checkpoints.verify(dir.resolve("checkpoint-6"))).isEmpty();
        try (Trainer trainer = new DefaultTrainer(spec, new FakeBackend())) {
            assertThatThrownBy(() -> trainer.train("latest"))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessage("checkpoint " + dir.resolve("checkpoint-6") + " was saved with save-only-model = true: "
                            + "it holds only the model weights and cannot be resumed");
        }
    }

    @Test
    void anOutputDirHoldingAnotherRunIsRefusedAndOverwriteRemovesItsCheckpoints() throws Exception {
        Path dir = root.resolve("used");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("trainer_state.json"), "{}");
        try (Trainer trainer = new DefaultTrainer(spec(args(dir).build()).build(), new FakeBackend())) {
            assertThatThrownBy(trainer::train)
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessage("output-dir '" + dir + "' already holds another run [trainer_state.json]; set "
                            + "overwrite-output-dir = true to train anew into it (its checkpoint-* folders are removed), "
                            + "or resume that run with resume-from-checkpoint = latest (train(\"latest\"))");
        }
        assertThat(names(dir)).containsExactly(OutputDirLock.FILE, "trainer_state.json");

        // a stale, intact checkpoint of a longer run: after an overwrite, latest must not pick it
        new CheckpointWriter(CheckpointFaults.NONE).write(dir, 99, folder -> Files.writeString(folder.resolve("x"), "old"));
        Files.createDirectories(dir.resolve(".checkpoint-100.tmp-0abc"));
        try (Trainer trainer = new DefaultTrainer(spec(args(dir).overwriteOutputDir(true).build()).build(), new FakeBackend())) {
            trainer.train();
        }
        assertThat(names(dir)).containsExactly(OutputDirLock.FILE, "checkpoint-12", "checkpoint-3", "checkpoint-6",
                "checkpoint-9", "trainer_state.json");
        assertThat(Checkpoints.findLatest(dir).checkpoint()).contains(dir.resolve("checkpoint-12"));
    }

    /** A trainer whose checkpoint writer fails like a full disk before the manifest of its {@code failAt}-th save. */
    static final class FailingSaveTrainer extends DefaultTrainer {
        private final int failAt;

        FailingSaveTrainer(TrainerSpec spec, int failAt) {
            super(spec, new FakeBackend());
            this.failAt = failAt;
        }

        @Override
        protected CheckpointWriter createCheckpointWriter() {
            int[] saves = {0};
            return new CheckpointWriter((point, path) -> {
                if (point.equals(CheckpointFaults.BEFORE_MANIFEST) && ++saves[0] == failAt) {
                    throw new FileSystemException(path.resolve("engine/fake-engine.json").toString(), null,
                            "No space left on device");
                }
            });
        }
    }

    @Test
    void aFailedSaveStopsWithOneClearErrorAndThePreviousCheckpointResumesExactly() throws Exception {
        Outcome straight = run(spec(args(root.resolve("straight")).build()).build(), null);
        Path dir = root.resolve("failing");
        TrainerSpec spec = spec(args(dir).build()).build();
        try (Trainer trainer = new FailingSaveTrainer(spec.toBuilder().addCallback(new CheckpointFixtures.StepCounter()).build(), 2)) {
            assertThatThrownBy(trainer::train)
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageStartingWith("cannot save checkpoint " + dir.resolve("checkpoint-6") + ": ")
                    .hasMessageContaining("No space left on device (while writing the checkpoint files); the partial "
                            + "folder was removed; earlier checkpoints are unchanged (newest: checkpoint-3)");
        }
        assertThat(names(dir)).containsExactly(OutputDirLock.FILE, "checkpoint-3");
        assertThat(Checkpoints.verify(dir.resolve("checkpoint-3"))).isEmpty();
        assertSameRun(run(spec, "latest"), straight);
    }
}
