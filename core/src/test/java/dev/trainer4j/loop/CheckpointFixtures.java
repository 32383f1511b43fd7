package dev.trainer4j.loop;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.IntervalStrategy;
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

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Shared runs for the checkpoint tests: a seeded, shuffled AdamW run whose results must survive a resume. */
final class CheckpointFixtures {
    private CheckpointFixtures() {
    }

    /** What a run leaves: the log without timing keys, the final weights, the train loss, the callback's count. */
    record Outcome(List<Map<String, Object>> history, double[] weights, double trainLoss, int countedSteps) {
    }

    /** 12 examples, batch 2: 6 steps per epoch, 2 epochs; logs every 2 steps, saves every 3. */
    static TrainingArguments.Builder args(Path dir) {
        return TrainingArguments.builder().outputDir(dir.toString())
                .perDeviceTrainBatchSize(2).numTrainEpochs(2)
                .optim("adamw").learningRate(0.05).weightDecay(0.01).lrSchedulerType("linear").maxGradNorm(0.5)
                .trainSamplingStrategy(SamplingStrategy.RANDOM).dataSeed(7L)
                .loggingStrategy(IntervalStrategy.STEPS).loggingSteps(2)
                .saveStrategy(SaveStrategy.STEPS).saveSteps(3);
    }

    static TrainerSpec.Builder spec(TrainingArguments args) {
        return TrainerSpec.builder().args(args).model(new FakeModel(3)).trainDataset(FakeData.regression(12, 3, 5));
    }

    /** Trains in a fresh trainer and backend: {@code train(resume)}, or {@code train()} when {@code resume} is null. */
    static Outcome run(TrainerSpec spec, String resume) {
        StepCounter counter = new StepCounter();
        FakeBackend backend = new FakeBackend();
        try (Trainer trainer = new DefaultTrainer(spec.toBuilder().addCallback(counter).build(), backend)) {
            double loss = (resume == null ? trainer.train() : trainer.train(resume)).trainingLoss();
            return new Outcome(withoutTimings(trainer.state().logHistory()), backend.lastEngine().parameters(), loss,
                    counter.steps);
        }
    }

    static List<Map<String, Object>> withoutTimings(List<Map<String, Object>> history) {
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

    /** A stateful callback counting steps: its count must survive a resume. */
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

    /** Simulates a crash at the end of a given step. */
    static final class CrashAt implements Callback {
        final long step;

        CrashAt(long step) {
            this.step = step;
        }

        @Override
        public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
            if (state.globalStep() == step) {
                throw new IllegalStateException("simulated crash at step " + step);
            }
        }
    }
}
