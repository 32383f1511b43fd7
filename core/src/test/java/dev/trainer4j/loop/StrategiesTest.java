package dev.trainer4j.loop;

import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainOutput;
import dev.trainer4j.testing.FakeBackend;
import dev.trainer4j.testing.FakeData;
import dev.trainer4j.testing.FakeModel;
import dev.trainer4j.testing.RecordingCallback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class StrategiesTest {
    @TempDir
    Path dir;

    private static List<Long> stepsOf(List<Map<String, Object>> entries) {
        return entries.stream().map(e -> ((Number) e.get("step")).longValue()).toList();
    }

    @Test
    void loggingFirstStepAndLoggingSteps() {
        // 20 examples, batch 2, GA 1 -> 10 steps per epoch, 1 epoch
        TrainerSpec spec = TrainerSpec.builder()
                .args(LoopFixtures.args(dir).numTrainEpochs(1).loggingStrategy(IntervalStrategy.STEPS)
                        .loggingSteps(3).loggingFirstStep(true).build())
                .model(new FakeModel(2)).trainDataset(FakeData.regression(20, 2, 1)).build();
        try (Trainer trainer = new DefaultTrainer(spec, new FakeBackend())) {
            trainer.train();
            List<Map<String, Object>> lossLogs = LoopFixtures.entriesWith(trainer.state().logHistory(), "loss");
            assertThat(stepsOf(lossLogs)).containsExactly(1L, 3L, 6L, 9L);
            assertThat(lossLogs.get(0)).containsKeys("grad_norm", "learning_rate", "epoch", "step");
            assertThat(LoopFixtures.number(lossLogs.get(0), "learning_rate")).isEqualTo(0.1);
            assertThat(LoopFixtures.number(lossLogs.get(1), "epoch")).isEqualTo(0.3);
            assertThat(trainer.state().loggingSteps()).isEqualTo(3);
        }
    }

    @Test
    void ratioStepsAreResolvedAgainstMaxSteps() {
        TrainerSpec spec = TrainerSpec.builder()
                .args(LoopFixtures.args(dir).numTrainEpochs(1).loggingStrategy(IntervalStrategy.STEPS).loggingSteps(0.25).build())
                .model(new FakeModel(2)).trainDataset(FakeData.regression(20, 2, 1)).build();
        try (Trainer trainer = new DefaultTrainer(spec, new FakeBackend())) {
            trainer.train();
            // ceil(10 * 0.25) = 3
            assertThat(trainer.state().loggingSteps()).isEqualTo(3);
            assertThat(stepsOf(LoopFixtures.entriesWith(trainer.state().logHistory(), "loss"))).containsExactly(3L, 6L, 9L);
        }
    }

    @Test
    void evalDelaySkipsEarlyEvaluations() {
        RecordingCallback recorder = new RecordingCallback();
        TrainerSpec spec = TrainerSpec.builder()
                .args(LoopFixtures.args(dir).numTrainEpochs(1).evalStrategy(IntervalStrategy.STEPS).evalSteps(2.0)
                        .evalDelay(5).build())
                .model(new FakeModel(2)).trainDataset(FakeData.regression(16, 2, 1))
                .evalDataset(FakeData.regression(2, 2, 3)).addCallback(recorder).build();
        try (Trainer trainer = new DefaultTrainer(spec, new FakeBackend())) {
            trainer.train();
            List<Map<String, Object>> evals = LoopFixtures.entriesWith(trainer.state().logHistory(), "eval_loss");
            assertThat(stepsOf(evals)).containsExactly(6L, 8L);
            assertThat(recorder.evaluations()).hasSize(2);
        }
    }

    @Test
    void maxStepsStopsMidEpochAndForcesASave() {
        RecordingCallback recorder = new RecordingCallback();
        TrainerSpec spec = TrainerSpec.builder()
                .args(LoopFixtures.args(dir).numTrainEpochs(3).maxSteps(5)
                        .saveStrategy(SaveStrategy.STEPS).saveSteps(100).build())
                .model(new FakeModel(2)).trainDataset(FakeData.regression(8, 2, 1)).addCallback(recorder).build();
        FakeBackend backend = new FakeBackend();
        try (Trainer trainer = new DefaultTrainer(spec, backend)) {
            TrainOutput output = trainer.train();
            assertThat(output.globalStep()).isEqualTo(5);
            assertThat(trainer.state().maxSteps()).isEqualTo(5);
            // 4 steps per epoch: max-steps 5 needs 2 epochs and stops after the first step of the second
            assertThat(trainer.state().numTrainEpochs()).isEqualTo(2);
            assertThat(trainer.state().epoch()).isEqualTo(1.25);
            assertThat(Checkpoints.list(dir)).extracting(p -> p.getFileName().toString()).containsExactly("checkpoint-5");
            assertThat(recorder.events().stream().filter("onEpochEnd"::equals).count()).isEqualTo(2);
            assertThat(backend.lastEngine().learningRates()).hasSize(5);
            assertThat(output.metrics()).containsKeys("train_runtime", "train_samples_per_second",
                    "train_steps_per_second", "train_loss", "epoch");
            assertThat(output.metrics().get("epoch")).isEqualTo(1.25);
        }
    }

    @Test
    void fractionalEpochs() {
        TrainerSpec spec = TrainerSpec.builder()
                .args(LoopFixtures.args(dir).numTrainEpochs(1.5).build())
                .model(new FakeModel(2)).trainDataset(FakeData.regression(8, 2, 1)).build();
        try (Trainer trainer = new DefaultTrainer(spec, new FakeBackend())) {
            // 4 steps per epoch * 1.5 = 6 steps over 2 epochs
            assertThat(trainer.train().globalStep()).isEqualTo(6);
            assertThat(trainer.state().numTrainEpochs()).isEqualTo(2);
        }
    }

    @Test
    void linearScheduleFeedsTheLearningRateOfEachStep() {
        TrainerSpec spec = TrainerSpec.builder()
                .args(LoopFixtures.args(dir).numTrainEpochs(1).lrSchedulerType("linear").learningRate(0.4)
                        .loggingStrategy(IntervalStrategy.STEPS).loggingSteps(1).build())
                .model(new FakeModel(2)).trainDataset(FakeData.regression(8, 2, 1)).build();
        FakeBackend backend = new FakeBackend();
        try (Trainer trainer = new DefaultTrainer(spec, backend)) {
            trainer.train();
            assertThat(backend.lastEngine().learningRates().stream().mapToDouble(Double::doubleValue).toArray())
                    .containsExactly(new double[] {0.4, 0.3, 0.2, 0.1}, within(1e-12));
            assertThat(LoopFixtures.entriesWith(trainer.state().logHistory(), "loss"))
                    .extracting(e -> LoopFixtures.number(e, "learning_rate"))
                    .containsExactlyElementsOf(backend.lastEngine().learningRates());
        }
    }
}
