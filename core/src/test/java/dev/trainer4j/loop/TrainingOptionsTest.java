package dev.trainer4j.loop;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.NonFinitePolicy;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.StatefulCallback;
import dev.trainer4j.api.TrainOutput;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.testing.FakeBackend;
import dev.trainer4j.testing.FakeData;
import dev.trainer4j.testing.FakeModel;
import dev.trainer4j.testing.RecordingCallback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Issue 20's training arguments, each by its effect: include-num-input-tokens-seen, include-tokens-per-second,
 * logging-nan-inf-filter, ignore-data-skip, restore-callback-states-from-checkpoint, skip-memory-metrics and
 * auto-find-batch-size (with an engine that runs out of memory above a batch size). The data: 8 examples of 3
 * features, batch 2, so 4 steps per epoch and 8 in 2 epochs.
 */
class TrainingOptionsTest {
    @TempDir
    Path dir;

    private static Dataset data() {
        return FakeData.regression(8, 3, 5);
    }

    private TrainingArguments.Builder args() {
        return LoopFixtures.args(dir).learningRate(0.01);
    }

    private static TrainerSpec.Builder spec(TrainingArguments.Builder args) {
        return TrainerSpec.builder().args(args.build()).model(new FakeModel(3)).trainDataset(data());
    }

    @Test
    void inputTokensSeenCountTheMainInputsElementsIntoStateAndLogs() {
        RecordingCallback recorder = new RecordingCallback();
        try (Trainer trainer = new DefaultTrainer(spec(args().includeNumInputTokensSeen("all")
                .loggingStrategy(IntervalStrategy.STEPS).loggingSteps(2)).addCallback(recorder).build(), new FakeBackend())) {
            trainer.train();
            // x is [2, 3] per step: 6 tokens a step, 8 steps
            assertThat(trainer.state().numInputTokensSeen()).isEqualTo(48);
        }
        assertThat(LoopFixtures.entriesWith(recorder.logs(), "loss")).extracting(entry -> entry.get("num_input_tokens_seen"))
                .containsExactly(12L, 24L, 36L, 48L);
    }

    @Test
    void nonPaddingTokensAreTheAttentionMasksSum() {
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            // masks 1,0,0 / 1,1,0 / 1,1,1 / 1,0,0: 1 + 2 + 3 + 1 = 7 per epoch
            int[] mask = {1, i % 3 >= 1 ? 1 : 0, i % 3 == 2 ? 1 : 0};
            examples.add(Example.of(Map.of("x", new float[] {i, 1, 2}, "labels", (float) i, "attention_mask", mask)));
        }
        TrainingArguments.Builder args = args().includeNumInputTokensSeen("non_padding").removeUnusedColumns(false);
        try (Trainer trainer = new DefaultTrainer(TrainerSpec.builder().args(args.build()).model(new FakeModel(3))
                .trainDataset(Dataset.of(examples)).build(), new FakeBackend())) {
            trainer.train();
            assertThat(trainer.state().numInputTokensSeen()).isEqualTo(14);
        }
    }

    @Test
    void tokensPerSecondAreTheRunsTokensOverItsRuntime() {
        TrainOutput output;
        try (Trainer trainer = new DefaultTrainer(spec(args().set(TrainingArguments.INCLUDE_TOKENS_PER_SECOND, true)).build(),
                new FakeBackend())) {
            output = trainer.train();
            assertThat(trainer.state().numInputTokensSeen()).as("not counted into the state without tokens-seen").isZero();
        }
        double tokens = output.metrics().get("train_tokens_per_second") * output.metrics().get("train_runtime");
        assertThat(tokens).isCloseTo(48, within(1e-6));
    }

    @Test
    void withoutTheNanInfFilterASkippedStepMakesTheLoggedLossNaN() {
        TrainingArguments.Builder args = args().nonFinitePolicy(NonFinitePolicy.SKIP)
                .loggingStrategy(IntervalStrategy.STEPS).loggingSteps(2);
        RecordingCallback filtered = new RecordingCallback();
        try (Trainer trainer = new DefaultTrainer(spec(args).addCallback(filtered).build(), new FakeBackend().nonFiniteAt(0))) {
            assertThat(trainer.train().trainingLoss()).isFinite();
        }
        RecordingCallback unfiltered = new RecordingCallback();
        TrainOutput output;
        try (Trainer trainer = new DefaultTrainer(spec(args.set(TrainingArguments.LOGGING_NAN_INF_FILTER, false))
                .addCallback(unfiltered).build(), new FakeBackend().nonFiniteAt(0))) {
            output = trainer.train();
        }
        List<Map<String, Object>> filteredLosses = LoopFixtures.entriesWith(filtered.logs(), "loss");
        List<Map<String, Object>> unfilteredLosses = LoopFixtures.entriesWith(unfiltered.logs(), "loss");
        // the first window (steps 1-2) holds the non-finite step 1
        assertThat(LoopFixtures.number(filteredLosses.get(0), "loss")).isFinite();
        assertThat(LoopFixtures.number(unfilteredLosses.get(0), "loss")).isNaN();
        assertThat(LoopFixtures.number(unfilteredLosses.get(1), "loss"))
                .isEqualTo(LoopFixtures.number(filteredLosses.get(1), "loss"));
        assertThat(output.trainingLoss()).isNaN();
    }

    /** Counts steps; its count is checkpointed. */
    private static final class StepCounter implements StatefulCallback {
        int steps;
        final List<Double> epochs = new ArrayList<>();

        @Override public String stateKey() { return "StepCounter"; }
        @Override public Map<String, Object> exportState() { return Map.of("steps", steps); }
        @Override public void importState(Map<String, Object> state) { steps = ((Number) state.get("steps")).intValue(); }

        @Override
        public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
            steps++;
            epochs.add(state.epoch());
        }
    }

    private static final class CrashAt implements Callback {
        @Override
        public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
            if (state.globalStep() == 3) {
                throw new IllegalStateException("simulated crash at step 3");
            }
        }
    }

    /** Trains until a crash at step 3 (checkpoint-2 is saved), then resumes with {@code resumed}'s arguments. */
    private StepCounter crashAndResume(TrainingArguments.Builder resumed) {
        TrainingArguments.Builder saving = args().saveStrategy(SaveStrategy.STEPS).saveSteps(2);
        try (Trainer crashing = new DefaultTrainer(spec(saving).addCallback(new StepCounter()).addCallback(new CrashAt())
                .build(), new FakeBackend())) {
            assertThatThrownBy(crashing::train).hasMessageContaining("simulated crash at step 3");
        }
        StepCounter counter = new StepCounter();
        try (Trainer trainer = new DefaultTrainer(spec(resumed.saveStrategy(SaveStrategy.STEPS).saveSteps(2))
                .addCallback(counter).build(), new FakeBackend())) {
            trainer.train("latest");
            assertThat(trainer.state().globalStep()).isEqualTo(8);
        }
        return counter;
    }

    @Test
    void aResumeContinuesAtTheStoredDataPositionAndRestoresCallbackStates() {
        StepCounter counter = crashAndResume(args());
        // checkpoint-2: epoch 0 at batch 2 of 4, so step 3 ends at batch 3: epoch 0.75; the counter goes on from 2
        assertThat(counter.epochs.get(0)).isEqualTo(0.75);
        assertThat(counter.steps).isEqualTo(8);
    }

    @Test
    void ignoreDataSkipStartsTheResumedEpochAtItsFirstBatch() {
        StepCounter counter = crashAndResume(args().ignoreDataSkip(true));
        // step 3 reads batch 0 of epoch 0 again: epoch 0.25, then 0.5, 0.75, 1.0, then epoch 1 until step 8
        assertThat(counter.epochs).containsExactly(0.25, 0.5, 0.75, 1.0, 1.25, 1.5);
    }

    @Test
    void callbackStatesStayFreshWithoutRestoreCallbackStates() {
        StepCounter counter = crashAndResume(args().set(TrainingArguments.RESTORE_CALLBACK_STATES_FROM_CHECKPOINT, false));
        assertThat(counter.steps).isEqualTo(6);
    }

    /** Keeps a 64 MiB array from the start of training on. */
    private static final class Allocating implements Callback {
        byte[] kept;

        @Override
        public void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) {
            kept = new byte[64 << 20];
            java.util.Arrays.fill(kept, (byte) 1);
        }
    }

    @Test
    void memoryMetricsAreAddedOnlyWhenNotSkipped() {
        Allocating allocating = new Allocating();
        TrainOutput output;
        Map<String, Double> evaluation;
        TrainingArguments.Builder args = args().skipMemoryMetrics(false);
        try (Trainer trainer = new DefaultTrainer(spec(args).evalDataset(data()).addCallback(allocating).build(),
                new FakeBackend())) {
            output = trainer.train();
            evaluation = trainer.evaluate();
        }
        assertThat(output.metrics()).containsKeys("init_mem_cpu_alloc_delta", "init_mem_cpu_peaked_delta",
                "train_mem_cpu_alloc_delta", "train_mem_cpu_peaked_delta", "train_mem_heap_alloc_delta");
        assertThat(output.metrics().get("train_mem_heap_alloc_delta")).isGreaterThanOrEqualTo(60.0 * (1 << 20));
        assertThat(output.metrics().get("train_mem_cpu_peaked_delta")).isGreaterThanOrEqualTo(0);
        assertThat(evaluation).containsKeys("eval_mem_cpu_alloc_delta", "eval_mem_cpu_peaked_delta");
        assertThat(allocating.kept).hasSize(64 << 20);

        try (Trainer trainer = new DefaultTrainer(spec(args()).build(), new FakeBackend())) {
            assertThat(trainer.train().metrics().keySet()).noneMatch(key -> key.contains("_mem_"));
        }
    }

    @Test
    void autoFindBatchSizeHalvesTheBatchUntilAStepFits() {
        FakeBackend backend = new FakeBackend().outOfMemoryAbove(2);
        TrainingArguments.Builder args = args().perDeviceTrainBatchSize(8).autoFindBatchSize(true);
        try (Trainer trainer = new DefaultTrainer(spec(args).build(), backend)) {
            TrainOutput output = trainer.train();
            // 8 fails, 4 fails, 2 fits: 4 steps an epoch, 2 epochs
            assertThat(trainer.state().trainBatchSize()).isEqualTo(2);
            assertThat(output.globalStep()).isEqualTo(8);
            assertThat(output.trainingLoss()).isFinite();
        }
        // the engine saw the failed first micro-batches of 8 and 4 rows, then the 8 steps of 2
        assertThat(backend.lastEngine().trainBatchKeys()).hasSize(2 + 8);
    }

    @Test
    void withoutAutoFindBatchSizeTheOutOfMemoryErrorStopsTheRun() {
        TrainingArguments.Builder args = args().perDeviceTrainBatchSize(8);
        try (Trainer trainer = new DefaultTrainer(spec(args).build(), new FakeBackend().outOfMemoryAbove(2))) {
            assertThatThrownBy(trainer::train).isInstanceOf(OutOfMemoryError.class).hasMessageContaining("8 rows");
        }
    }
}
