package dev.trainer4j.plugins.callbacks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.Metric;
import dev.trainer4j.api.SamplingStrategy;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.TrainOutput;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.loop.DefaultTrainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.testing.FakeBackend;
import dev.trainer4j.testing.FakeData;
import dev.trainer4j.testing.FakeModel;
import dev.trainer4j.testing.RecordingCallback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Early stopping in a real {@link Trainer} on the fake backend: 8 examples, batch 2 (4 steps an epoch), 3 epochs
 * (12 steps at most), an evaluation and a checkpoint after every step, {@code metric-for-best-model = score}
 * (greater is better) from a metric that returns a scripted sequence, patience 2.
 */
class EarlyStoppingEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Returns the next scripted value at each evaluation; fails the test when the script runs out. */
    private static final class ScriptedScore implements Metric {
        private final Iterator<Double> values;

        ScriptedScore(Double... values) {
            this.values = List.of(values).iterator();
        }

        @Override
        public String name() {
            return "score";
        }

        @Override
        public void reset() {
        }

        @Override
        public void update(EvalPrediction batch) {
        }

        @Override
        public Map<String, Double> compute() {
            if (!values.hasNext()) {
                throw new AssertionError("more evaluations than scripted: training should have stopped");
            }
            return Map.of("score", values.next());
        }
    }

    private static TrainingArguments args(Path outputDir) {
        return TrainingArguments.builder().outputDir(outputDir.toString()).perDeviceTrainBatchSize(2)
                .perDeviceEvalBatchSize(2).numTrainEpochs(3).optim("sgd").learningRate(0.1).lrSchedulerType("constant")
                .trainSamplingStrategy(SamplingStrategy.SEQUENTIAL).loggingStrategy(IntervalStrategy.NO)
                .evalStrategy(IntervalStrategy.STEPS).evalSteps(1.0).saveStrategy(SaveStrategy.STEPS).saveSteps(1.0)
                .metricForBestModel("score").greaterIsBetter(true).build();
    }

    private static TrainerSpec spec(TrainingArguments args, Metric score, EarlyStoppingCallback stopping, RecordingCallback recorder) {
        return TrainerSpec.builder().args(args).model(new FakeModel(1)).trainDataset(FakeData.regression(8, 1, 1))
                .evalDataset(FakeData.regression(2, 1, 2)).addMetric(score).addCallback(stopping).addCallback(recorder).build();
    }

    private static int savedCounter(Path checkpoint) throws IOException {
        JsonNode state = JSON.readTree(checkpoint.resolve("trainer_state.json").toFile());
        JsonNode counter = state.path("stateful_callbacks").path("EarlyStoppingCallback").path("attributes")
                .path("early_stopping_patience_counter");
        assertThat(counter.isInt()).as("counter in %s: %s", checkpoint, state.path("stateful_callbacks")).isTrue();
        return counter.intValue();
    }

    @Test
    void stopsAfterTwoEvaluationsWithoutImprovementAndResumesCounting() throws IOException {
        // evaluations at steps 1..5: 1, 2, 3 improve; 2.5 (counter 1); 2.9 (counter 2 = patience: stop at step 5)
        EarlyStoppingCallback stopping = new EarlyStoppingCallback(new EarlyStoppingSettings(2, 0.0));
        RecordingCallback recorder = new RecordingCallback();
        Path first = dir.resolve("first");
        TrainOutput output;
        try (Trainer trainer = new DefaultTrainer(spec(args(first), new ScriptedScore(1.0, 2.0, 3.0, 2.5, 2.9), stopping, recorder),
                new FakeBackend())) {
            output = trainer.train();
            assertThat(trainer.state().bestMetric()).isEqualTo(3.0);
            assertThat(trainer.state().bestGlobalStep()).isEqualTo(3);
        }
        assertThat(output.globalStep()).isEqualTo(5);
        assertThat(stopping.patienceCounter()).isEqualTo(2);
        assertThat(recorder.evaluations()).extracting(metrics -> metrics.get("eval_score"))
                .containsExactly(1.0, 2.0, 3.0, 2.5, 2.9);

        // from the last step's end to the end of training: evaluation (its one batch, its log, onEvaluate), the step's
        // checkpoint, then
        // the epoch closes early (its loss log), the run summary log and onTrainEnd; no step 6 begins
        List<String> events = recorder.events();
        int lastStepEnd = events.lastIndexOf("onStepEnd");
        assertThat(recorder.steps().get(lastStepEnd)).isEqualTo(5);
        assertThat(events.subList(lastStepEnd, events.size())).containsExactly(
                "onStepEnd", "onPredictionStep", "onLog", "onEvaluate", "onSave", "onLog", "onEpochEnd", "onLog", "onTrainEnd");
        assertThat(recorder.steps().subList(lastStepEnd, events.size())).containsOnly(5L);

        assertThat(savedCounter(first.resolve("checkpoint-3"))).isEqualTo(0);
        assertThat(savedCounter(first.resolve("checkpoint-4"))).isEqualTo(1);
        assertThat(savedCounter(first.resolve("checkpoint-5"))).isEqualTo(2);

        // resume from checkpoint-4 (counter 1, best 3.0) with a fresh callback: one more non-improving evaluation
        // stops at step 5; without the restored counter it would take two (step 6)
        EarlyStoppingCallback resumed = new EarlyStoppingCallback(new EarlyStoppingSettings(2, 0.0));
        RecordingCallback resumedRecorder = new RecordingCallback();
        try (Trainer trainer = new DefaultTrainer(spec(args(dir.resolve("second")), new ScriptedScore(2.9, 2.8), resumed, resumedRecorder),
                new FakeBackend())) {
            TrainOutput resumedOutput = trainer.train(first.resolve("checkpoint-4").toString());
            assertThat(resumedOutput.globalStep()).isEqualTo(5);
        }
        assertThat(resumed.patienceCounter()).isEqualTo(2);
        assertThat(resumedRecorder.evaluations()).hasSize(1);
        assertThat(resumedRecorder.events()).endsWith("onTrainEnd");
    }

    @Test
    void anImprovementInTimeKeepsTrainingToTheEnd() {
        // never two non-improving evaluations in a row: all 12 steps run
        EarlyStoppingCallback stopping = new EarlyStoppingCallback(new EarlyStoppingSettings(2, 0.0));
        RecordingCallback recorder = new RecordingCallback();
        ScriptedScore score = new ScriptedScore(1.0, 0.5, 2.0, 1.0, 3.0, 2.0, 4.0, 3.0, 5.0, 4.0, 6.0, 5.0);
        try (Trainer trainer = new DefaultTrainer(spec(args(dir), score, stopping, recorder), new FakeBackend())) {
            assertThat(trainer.train().globalStep()).isEqualTo(12);
        }
        assertThat(stopping.patienceCounter()).isEqualTo(1);
        assertThat(recorder.evaluations()).hasSize(12);
    }
}
