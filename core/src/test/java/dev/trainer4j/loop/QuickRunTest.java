package dev.trainer4j.loop;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.SamplingStrategy;
import dev.trainer4j.api.TrainOutput;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.testing.FakeBackend;
import dev.trainer4j.testing.FakeData;
import dev.trainer4j.testing.FakeEngine;
import dev.trainer4j.testing.FakeModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The quick-run arguments (Lightning's flags): fast-dev-run, overfit-batches, limit-train-batches, limit-eval-batches
 * and max-time. 20 train examples in batches of 2 (10 batches per epoch), 12 eval examples in batches of 2 (6 batches).
 */
final class QuickRunTest {
    @TempDir
    Path directory;

    private static TrainingArguments.Builder args(Path outputDir) {
        return LoopFixtures.args(outputDir).numTrainEpochs(3).evalStrategy(IntervalStrategy.EPOCH)
                .saveStrategy(SaveStrategy.EPOCH);
    }

    private static Trainer trainer(FakeBackend backend, TrainingArguments args, Callback... callbacks) {
        TrainerSpec.Builder spec = TrainerSpec.builder().args(args).model(new FakeModel(2))
                .trainDataset(FakeData.regression(20, 2, 1)).evalDataset(FakeData.regression(12, 2, 2));
        for (Callback callback : callbacks) {
            spec.addCallback(callback);
        }
        return backend.createTrainer(spec.build());
    }

    @Test
    void fastDevRunTrainsOneBatchEvaluatesOneBatchAndSavesNothing() {
        FakeBackend backend = new FakeBackend();
        Path out = directory.resolve("fast");
        try (Trainer trainer = trainer(backend, args(out).fastDevRun(1).build())) {
            TrainOutput output = trainer.train();
            assertThat(output.globalStep()).isEqualTo(1);
            FakeEngine engine = backend.lastEngine();
            assertThat(engine.trainBatchKeys()).hasSize(1);
            // the epoch's evaluation read one eval batch
            assertThat(engine.evalBatchKeys()).hasSize(1);
            assertThat(Checkpoints.list(out)).isEmpty();
            trainer.evaluate();
            assertThat(engine.evalBatchKeys()).hasSize(2);
        }
    }

    @Test
    void overfitBatchesTrainsOnTheSameFirstBatchesEveryEpoch() {
        FakeBackend backend = new FakeBackend();
        double[] overfit;
        try (Trainer trainer = trainer(backend, args(directory.resolve("overfit")).overfitBatches(2)
                .trainSamplingStrategy(SamplingStrategy.RANDOM).build())) {
            // 2 batches per epoch, 3 epochs
            assertThat(trainer.train().globalStep()).isEqualTo(6);
            overfit = backend.lastEngine().parameters();
        }
        // the same weights as 3 epochs in order over a dataset of only the first 4 examples (2 batches)
        MapDataset all = FakeData.regression(20, 2, 1);
        FakeBackend reference = new FakeBackend();
        TrainerSpec firstFour = TrainerSpec.builder().args(args(directory.resolve("four")).build()).model(new FakeModel(2))
                .trainDataset(Dataset.of(List.of(all.get(0), all.get(1), all.get(2), all.get(3))))
                .evalDataset(FakeData.regression(12, 2, 2)).build();
        try (Trainer trainer = reference.createTrainer(firstFour)) {
            trainer.train();
        }
        assertThat(overfit).containsExactly(reference.lastEngine().parameters());
    }

    @Test
    void limitTrainBatchesTakesACountOrARatioOfEachEpoch() {
        FakeBackend backend = new FakeBackend();
        try (Trainer trainer = trainer(backend, args(directory.resolve("count")).limitTrainBatches(4.0).build())) {
            assertThat(trainer.train().globalStep()).isEqualTo(3 * 4);
        }
        // ceil(10 * 0.25) = 3 batches per epoch
        try (Trainer trainer = trainer(backend, args(directory.resolve("ratio")).limitTrainBatches(0.25).build())) {
            assertThat(trainer.train().globalStep()).isEqualTo(3 * 3);
        }
        assertThatThrownBy(() -> args(directory).limitTrainBatches(2.5).build())
                .isInstanceOf(ConfigurationException.class).hasMessage("limit-train-batches: '2.5' is not allowed; expected an integer >= 1 (batches), or a ratio in (0, 1) of the epoch's batches");
    }

    @Test
    void limitEvalBatchesReadsOnlyTheFirstBatchesOfEachEvaluation() {
        FakeBackend backend = new FakeBackend();
        try (Trainer trainer = trainer(backend, args(directory.resolve("eval")).numTrainEpochs(1).limitEvalBatches(2.0).build())) {
            trainer.train();
            assertThat(backend.lastEngine().evalBatchKeys()).hasSize(2);
            // the loss of the first 4 eval examples: the same as evaluating a 4-example eval set in full
            double limited = trainer.evaluate().get("eval_loss");
            double firstFour = trainer.evaluate(dev.trainer4j.api.Dataset.of(List.of(FakeData.regression(12, 2, 2).get(0),
                    FakeData.regression(12, 2, 2).get(1), FakeData.regression(12, 2, 2).get(2),
                    FakeData.regression(12, 2, 2).get(3))), "four").get("four_loss");
            assertThat(limited).isEqualTo(firstFour);
        }
    }

    @Test
    void maxTimeStopsAtAStepBoundaryWithACheckpointThatResumes() {
        // step 2 takes longer than the whole 1 ms budget, so the budget is used up when step 2 ends, on any machine
        Callback slowStep = new Callback() {
            @Override
            public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
                if (state.globalStep() == 2) {
                    try {
                        Thread.sleep(20);
                    }
                    catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        Path out = directory.resolve("timed");
        FakeBackend backend = new FakeBackend();
        TrainingArguments timed = args(out).maxTime("1ms").build();
        long stoppedAt;
        try (Trainer trainer = trainer(backend, timed, slowStep)) {
            stoppedAt = trainer.train().globalStep();
        }
        assertThat(stoppedAt).isBetween(1L, 2L);
        assertThat(Checkpoints.list(out)).extracting(path -> path.getFileName().toString()).contains("checkpoint-" + stoppedAt);
        try (Trainer resumed = trainer(new FakeBackend(), args(out).build())) {
            assertThat(resumed.train("latest").globalStep()).isEqualTo(30);
        }
        assertThatThrownBy(() -> args(out).maxTime("soon").build())
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("max-time: 'soon' is not allowed");
    }
}
