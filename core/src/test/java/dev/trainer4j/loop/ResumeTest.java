package dev.trainer4j.loop;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.SamplingStrategy;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.StatefulCallback;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.testing.FakeBackend;
import dev.trainer4j.testing.FakeData;
import dev.trainer4j.testing.FakeModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** A run resumed from a checkpoint in a fresh trainer and engine ends exactly where an uninterrupted run ends. */
class ResumeTest {
    @TempDir
    Path root;

    /** Counts reads, to prove a resume does not replay earlier batches. */
    static final class CountingDataset implements MapDataset {
        final MapDataset inner = FakeData.regression(10, 3, 5);
        final AtomicInteger reads = new AtomicInteger();

        @Override public int size() { return inner.size(); }

        @Override
        public Example get(int index) {
            reads.incrementAndGet();
            return inner.get(index);
        }
    }

    /** A stateful callback counting steps: its count must survive the resume. */
    static final class StepCounter implements StatefulCallback {
        int steps;

        @Override public String stateKey() { return "StepCounter"; }
        @Override public Map<String, Object> exportState() { return Map.of("steps", steps); }
        @Override public void importState(Map<String, Object> state) { steps = ((Number) state.get("steps")).intValue(); }

        @Override
        public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
            steps++;
        }
    }

    /** Simulates a crash after a given step. */
    static final class CrashAfter implements Callback {
        final long step;

        CrashAfter(long step) {
            this.step = step;
        }

        @Override
        public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
            if (state.globalStep() == step) {
                throw new IllegalStateException("simulated crash at step " + step);
            }
        }
    }

    private static TrainingArguments args(Path dir) {
        // 10 examples, batch 2 -> 5 batches per epoch; GA 2 -> windows of 2, 2, 1: 3 steps per epoch, 3 epochs = 9 steps
        return TrainingArguments.builder().outputDir(dir.toString())
                .perDeviceTrainBatchSize(2).gradientAccumulationSteps(2).numTrainEpochs(3)
                .optim("adamw").learningRate(0.05).weightDecay(0.01).lrSchedulerType("linear").maxGradNorm(0.5)
                .trainSamplingStrategy(SamplingStrategy.RANDOM).dataSeed(123L)
                .loggingStrategy(IntervalStrategy.STEPS).loggingSteps(2)
                .saveStrategy(SaveStrategy.STEPS).saveSteps(4)
                .build();
    }

    private static List<Map<String, Object>> withoutTimings(List<Map<String, Object>> history) {
        List<Map<String, Object>> result = new ArrayList<>();
        for (Map<String, Object> entry : history) {
            Map<String, Object> copy = new LinkedHashMap<>();
            entry.forEach((key, value) -> {
                if (!key.endsWith("_runtime") && !key.endsWith("_per_second")) {
                    copy.put(key, ((Number) value).doubleValue());
                }
            });
            result.add(copy);
        }
        return result;
    }

    @Test
    void resumedRunEqualsUninterruptedRun() {
        Path straightDir = root.resolve("straight");
        StepCounter straightCounter = new StepCounter();
        CountingDataset straightData = new CountingDataset();
        FakeBackend straightBackend = new FakeBackend();
        List<Map<String, Object>> straightHistory;
        double straightLoss;
        try (Trainer trainer = new DefaultTrainer(TrainerSpec.builder().args(args(straightDir)).model(new FakeModel(3))
                .trainDataset(straightData).addCallback(straightCounter).build(), straightBackend)) {
            straightLoss = trainer.train().trainingLoss();
            straightHistory = withoutTimings(trainer.state().logHistory());
        }
        assertThat(straightData.reads.get()).isEqualTo(30);
        assertThat(straightCounter.steps).isEqualTo(9);

        Path resumedDir = root.resolve("resumed");
        try (Trainer crashing = new DefaultTrainer(TrainerSpec.builder().args(args(resumedDir)).model(new FakeModel(3))
                .trainDataset(new CountingDataset()).addCallback(new StepCounter()).addCallback(new CrashAfter(6)).build(),
                new FakeBackend())) {
            assertThatThrownBy(crashing::train).hasMessageContaining("simulated crash at step 6");
        }
        assertThat(Checkpoints.list(resumedDir)).extracting(p -> p.getFileName().toString()).containsExactly("checkpoint-4");

        StepCounter resumedCounter = new StepCounter();
        CountingDataset resumedData = new CountingDataset();
        FakeBackend resumedBackend = new FakeBackend();
        try (Trainer trainer = new DefaultTrainer(TrainerSpec.builder().args(args(resumedDir)).model(new FakeModel(3))
                .trainDataset(resumedData).addCallback(resumedCounter).build(), resumedBackend)) {
            double resumedLoss = trainer.train("latest").trainingLoss();
            assertThat(resumedLoss).isEqualTo(straightLoss);
            assertThat(withoutTimings(trainer.state().logHistory())).isEqualTo(straightHistory);
            assertThat(trainer.state().globalStep()).isEqualTo(9);
        }
        assertThat(resumedBackend.lastEngine().parameters()).containsExactly(straightBackend.lastEngine().parameters(), within(0.0));
        assertThat(resumedCounter.steps).isEqualTo(9);
        // step 4 is the first window of epoch 1, so the resume starts at batch 2 of epoch 1: 6 + 10 examples read
        assertThat(resumedData.reads.get()).isEqualTo(16);
        assertThat(resumedBackend.lastEngine().calls()).first().isEqualTo("restore(FULL)");
        assertThat(resumedBackend.lastEngine().calls()).contains("accumulate(step=4, micro=0/2)")
                .doesNotContain("accumulate(step=3, micro=0/2)");
        assertThat(LoopFixtures.entriesWith(straightHistory, "train_epoch_loss")).hasSize(3);
    }

    @Test
    void checkpointHoldsEngineStateAndDataPositionAndNoTemporaryFolders() throws Exception {
        Path dir = root.resolve("run");
        try (Trainer trainer = new DefaultTrainer(TrainerSpec.builder().args(args(dir)).model(new FakeModel(3))
                .trainDataset(new CountingDataset()).addCallback(new StepCounter()).build(), new FakeBackend())) {
            trainer.train();
        }
        Path checkpoint = dir.resolve("checkpoint-4");
        assertThat(checkpoint.resolve("engine/fake-engine.json")).isRegularFile();
        TrainerState state = Checkpoints.readTrainerState(checkpoint.resolve(Checkpoints.TRAINER_STATE));
        assertThat(state.globalStep()).isEqualTo(4);
        assertThat(state.statefulCallbacks()).containsKey("StepCounter");
        Map<String, Object> loop = Checkpoints.readJson(checkpoint.resolve(Checkpoints.LOOP_STATE));
        // batch 2 of 2 rows is sample 4; one replica; a global batch of 2 rows x 2 accumulated micro-batches
        assertThat(loop.get("data_position")).isEqualTo(Map.of("epoch", 1, "batch_in_epoch", 2, "data_seed", 123,
                "samples_in_epoch", 4, "replicas", 1, "global_batch", 4));
        assertThat(loop.get("world_size")).isEqualTo(1);
        assertThat(((Map<?, ?>) loop.get("args")).get("learning-rate")).isEqualTo(0.05);
        try (Stream<Path> entries = Files.list(dir)) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(OutputDirLock.FILE, "checkpoint-4", "checkpoint-8", "checkpoint-9");
        }
    }
}
