package dev.trainer4j.loop;

import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.testing.FakeBackend;
import dev.trainer4j.testing.FakeData;
import dev.trainer4j.testing.FakeModel;
import dev.trainer4j.testing.RecordingCallback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The exact callback order of hf-trainer.md §3.6 on runs with accumulation, evaluation and saving. */
class EventOrderTest {
    @TempDir
    Path dir;

    private static final List<String> STEP_WITH_ACCUMULATION = List.of(
            "onStepBegin", "onSubstepEnd", "onPreOptimizerStep", "onOptimizerStep", "onStepEnd");
    private static final List<String> EVALUATION = List.of(
            "onPredictionStep", "onPredictionStep", "onLog", "onEvaluate");

    @Test
    void stepStrategiesWithAccumulation() {
        RecordingCallback recorder = new RecordingCallback();
        // 8 examples, batch 2 -> 4 batches per epoch, GA 2 -> 2 steps per epoch, 2 epochs -> 4 steps
        TrainerSpec spec = TrainerSpec.builder()
                .args(LoopFixtures.args(dir).gradientAccumulationSteps(2)
                        .loggingStrategy(IntervalStrategy.STEPS).loggingSteps(2)
                        .evalStrategy(IntervalStrategy.STEPS).evalSteps(2.0)
                        .saveStrategy(SaveStrategy.STEPS).saveSteps(2).build())
                .model(new FakeModel(2))
                .trainDataset(FakeData.regression(8, 2, 1))
                .evalDataset(FakeData.regression(3, 2, 2))
                .addCallback(recorder)
                .build();
        FakeBackend backend = new FakeBackend();
        try (Trainer trainer = new DefaultTrainer(spec, backend)) {
            trainer.train();
        }
        List<String> expected = new ArrayList<>();
        expected.add("onInitEnd");
        expected.add("onTrainBegin");
        for (int epoch = 0; epoch < 2; epoch++) {
            expected.add("onEpochBegin");
            expected.addAll(STEP_WITH_ACCUMULATION);
            expected.addAll(STEP_WITH_ACCUMULATION);
            expected.add("onLog");                // loss at step 2 and 4
            expected.addAll(EVALUATION);
            expected.add("onSave");
            expected.add("onLog");                // train_epoch_loss
            expected.add("onEpochEnd");
        }
        expected.add("onLog");                    // train metrics
        expected.add("onTrainEnd");
        assertThat(recorder.events()).containsExactlyElementsOf(expected);
        assertThat(backend.lastEngine().calls()).startsWith(
                "accumulate(step=0, micro=0/2)", "step(step=0, micro=1/2)",
                "accumulate(step=1, micro=0/2)", "step(step=1, micro=1/2)",
                "readTrainingLoss", "evaluate(2)", "evaluate(1)", "readTrainingLoss", "save(FULL)");
        assertThat(Files.isDirectory(dir.resolve("checkpoint-2"))).isTrue();
        assertThat(Files.isDirectory(dir.resolve("checkpoint-4"))).isTrue();
    }

    @Test
    void epochStrategiesAndAShortLastWindow() {
        RecordingCallback recorder = new RecordingCallback();
        // 6 examples, batch 2 -> 3 batches, GA 2 -> windows of 2 and 1 micro-batches: 2 steps per epoch
        TrainerSpec spec = TrainerSpec.builder()
                .args(LoopFixtures.args(dir).gradientAccumulationSteps(2)
                        .loggingStrategy(IntervalStrategy.EPOCH)
                        .evalStrategy(IntervalStrategy.EPOCH)
                        .saveStrategy(SaveStrategy.EPOCH).build())
                .model(new FakeModel(2))
                .trainDataset(FakeData.regression(6, 2, 1))
                .evalDataset(FakeData.regression(4, 2, 2))
                .addCallback(recorder)
                .build();
        FakeBackend backend = new FakeBackend();
        try (Trainer trainer = new DefaultTrainer(spec, backend)) {
            trainer.train();
            assertThat(trainer.state().globalStep()).isEqualTo(4);
            assertThat(trainer.state().epoch()).isEqualTo(2.0);
        }
        List<String> shortStep = List.of("onStepBegin", "onPreOptimizerStep", "onOptimizerStep", "onStepEnd");
        List<String> expected = new ArrayList<>(List.of("onInitEnd", "onTrainBegin"));
        for (int epoch = 0; epoch < 2; epoch++) {
            expected.add("onEpochBegin");
            expected.addAll(STEP_WITH_ACCUMULATION);
            expected.addAll(shortStep);
            expected.add("onLog");              // train_epoch_loss
            expected.add("onEpochEnd");
            expected.add("onLog");              // loss (logging-strategy = epoch)
            expected.addAll(EVALUATION);
            expected.add("onSave");
        }
        expected.add("onLog");
        expected.add("onTrainEnd");
        assertThat(recorder.events()).containsExactlyElementsOf(expected);
        assertThat(backend.lastEngine().calls()).startsWith(
                "accumulate(step=0, micro=0/2)", "step(step=0, micro=1/2)", "step(step=1, micro=0/1)");
        assertThat(Files.isDirectory(dir.resolve("checkpoint-2"))).isTrue();
        assertThat(Files.isDirectory(dir.resolve("checkpoint-4"))).isTrue();
    }
}
