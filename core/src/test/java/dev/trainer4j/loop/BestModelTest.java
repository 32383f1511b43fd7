package dev.trainer4j.loop;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.Metric;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.testing.FakeBackend;
import dev.trainer4j.testing.FakeData;
import dev.trainer4j.testing.FakeModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BestModelTest {
    @TempDir
    Path dir;

    private TrainerSpec spec(TrainingArguments args, List<Double> scores) {
        Iterator<Double> next = scores.iterator();
        // 8 examples, batch 2: 4 steps, one evaluation per step with a scripted score
        return TrainerSpec.builder().args(args).model(new FakeModel(2)).trainDataset(FakeData.regression(8, 2, 1))
                .evalDataset(FakeData.regression(2, 2, 2)).computeMetrics(all -> Map.of("score", next.next())).build();
    }

    @Test
    void saveStrategyBestSavesOnlyOnANewBest() {
        TrainingArguments args = LoopFixtures.args(dir).numTrainEpochs(1).evalStrategy(IntervalStrategy.STEPS).evalSteps(1.0)
                .saveStrategy(SaveStrategy.BEST).metricForBestModel("score").build();
        try (Trainer trainer = new DefaultTrainer(spec(args, List.of(1.0, 3.0, 2.0, 5.0)), new FakeBackend())) {
            trainer.train();
            assertThat(trainer.state().bestMetric()).isEqualTo(5.0);
            assertThat(trainer.state().bestGlobalStep()).isEqualTo(4);
            assertThat(trainer.state().bestModelCheckpoint()).isEqualTo(dir.resolve("checkpoint-4").toString());
        }
        assertThat(Checkpoints.list(dir)).extracting(p -> p.getFileName().toString())
                .containsExactly("checkpoint-1", "checkpoint-2", "checkpoint-4");
    }

    @Test
    void rotationKeepsTheNewestAndProtectsTheBest() {
        TrainingArguments args = LoopFixtures.args(dir).numTrainEpochs(1).evalStrategy(IntervalStrategy.STEPS).evalSteps(1.0)
                .saveStrategy(SaveStrategy.STEPS).saveSteps(1).saveTotalLimit(2).metricForBestModel("eval_score")
                .greaterIsBetter(true).build();
        try (Trainer trainer = new DefaultTrainer(spec(args, List.of(5.0, 1.0, 1.0, 1.0)), new FakeBackend())) {
            trainer.train();
            assertThat(trainer.state().bestGlobalStep()).isEqualTo(1);
        }
        assertThat(Checkpoints.list(dir)).extracting(p -> p.getFileName().toString())
                .containsExactly("checkpoint-1", "checkpoint-4");
    }

    @Test
    void aMetricForBestModelThatNoMetricProducesStopsTheRunBeforeTraining() {
        TrainingArguments args = LoopFixtures.args(dir).evalStrategy(IntervalStrategy.EPOCH).metricForBestModel("bleu").build();
        TrainerSpec spec = TrainerSpec.builder().args(args).model(new FakeModel(2)).trainDataset(FakeData.regression(8, 2, 1))
                .evalDataset(FakeData.regression(2, 2, 2)).evalDataset("holdout", FakeData.regression(2, 2, 3))
                .addMetric(new NamedMetric("accuracy")).build();

        assertThatThrownBy(() -> new DefaultTrainer(spec, new FakeBackend()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("metric-for-best-model: 'bleu' is not allowed; expected loss or a key the run's metrics produce"
                        + " (with or without the eval_ prefix): [accuracy, holdout_accuracy, holdout_loss, loss]");
        for (String known : List.of("accuracy", "eval_accuracy", "loss", "eval_holdout_accuracy")) {
            TrainerSpec valid = spec.toBuilder().args(args.toBuilder().metricForBestModel(known).build()).build();
            try (Trainer trainer = new DefaultTrainer(valid, new FakeBackend())) {
                assertThat(trainer.args().metricForBestModel()).contains(known);
            }
        }
    }

    /** A metric that is only a name: enough for the checks made when a trainer is built. */
    private record NamedMetric(String name) implements Metric {
        @Override
        public void reset() {
        }

        @Override
        public void update(EvalPrediction batch) {
        }

        @Override
        public Map<String, Double> compute() {
            return Map.of(name, 0.0);
        }
    }
}
