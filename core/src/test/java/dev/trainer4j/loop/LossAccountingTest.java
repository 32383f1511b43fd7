package dev.trainer4j.loop;

import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.Metric;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
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

/** Exact loss normalisation: by the items of a whole accumulation window, and item-weighted eval loss. */
class LossAccountingTest {
    @TempDir
    Path dir;

    // micro-batch A has 2 items (one label is -100), micro-batch B has 3
    private static final Dataset UNEQUAL = Dataset.of(List.of(
            FakeData.example(1, 1, 0), FakeData.example(2, 0, 1), FakeData.example(-100, 1, 1),
            FakeData.example(3, 1, 0), FakeData.example(1, 2, 0), FakeData.example(4, 0, 1)));

    private double[] trainOneStep(int batchSize, int accumulation) {
        TrainerSpec spec = TrainerSpec.builder()
                .args(LoopFixtures.args(dir).perDeviceTrainBatchSize(batchSize).gradientAccumulationSteps(accumulation)
                        .numTrainEpochs(1).loggingStrategy(IntervalStrategy.STEPS).loggingSteps(1).build())
                .model(new FakeModel(2)).trainDataset(UNEQUAL).build();
        FakeBackend backend = new FakeBackend().initialWeights(0, 0, 0);
        try (Trainer trainer = new DefaultTrainer(spec, backend)) {
            trainer.train();
            assertThat(trainer.state().globalStep()).isEqualTo(1);
            // step loss = sum of 0.5 * y^2 over the 5 items / 5 = 0.5 * (1 + 4 + 9 + 1 + 16) / 5
            assertThat(LoopFixtures.number(trainer.state().logHistory().get(0), "loss")).isCloseTo(3.1, within(1e-12));
            return backend.lastEngine().parameters();
        }
    }

    @Test
    void accumulatedUpdateEqualsOneBigBatchDividedByTheWindowItems() {
        double[] accumulated = trainOneStep(3, 2);
        double[] bigBatch = trainOneStep(6, 1);
        // from zero weights the SGD update is lr * sum(y * x) / items and lr * sum(y) / items for the bias:
        // sum(y*x0) = 1 + 3 + 2 = 6, sum(y*x1) = 2 + 4 = 6, sum(y) = 11, items = 5, lr = 0.1
        assertThat(accumulated[0]).isCloseTo(0.12, within(1e-12));
        assertThat(accumulated[1]).isCloseTo(0.12, within(1e-12));
        assertThat(accumulated[2]).isCloseTo(0.22, within(1e-12));
        assertThat(accumulated).containsExactly(bigBatch, within(1e-12));
        // a mean of the micro-batch means would give 0.1 * (1/2 + 5/3) / 2 for w0
        assertThat(accumulated[0]).isNotCloseTo(0.1 * (0.5 + 5.0 / 3) / 2, within(1e-3));
    }

    /** Mean absolute error over the items whose label is not -100. */
    static final class MeanAbsoluteError implements Metric {
        double sum;
        int count;

        @Override public String name() { return "mae"; }
        @Override public void reset() { sum = 0; count = 0; }

        @Override
        public void update(EvalPrediction batch) {
            HostTensor predictions = batch.primaryPrediction();
            HostTensor labels = batch.labelIds().orElseThrow();
            for (int i = 0; i < labels.size(); i++) {
                if (labels.getDouble(i) != -100) {
                    sum += Math.abs(predictions.getDouble(i) - labels.getDouble(i));
                    count++;
                }
            }
        }

        @Override public Map<String, Double> compute() { return Map.of("mae", sum / count); }
    }

    @Test
    void evalLossWeighsEveryItemWithAShortLastBatch() {
        // eval batches of 2, 2 and 1 examples; one label is -100; zero weights predict 0
        Dataset eval = Dataset.of(List.of(FakeData.example(1, 1, 0), FakeData.example(2, 0, 1),
                FakeData.example(3, 1, 1), FakeData.example(-100, 1, 0), FakeData.example(10, 0, 0)));
        RecordingCallback recorder = new RecordingCallback();
        TrainerSpec spec = TrainerSpec.builder().args(LoopFixtures.args(dir).build()).model(new FakeModel(2))
                .evalDataset(eval).evalDataset("small", Dataset.of(List.of(FakeData.example(2, 0, 0))))
                .addMetric(new MeanAbsoluteError())
                .computeMetrics(all -> Map.of("n", (double) all.primaryPrediction().size()))
                .addCallback(recorder).build();
        try (Trainer trainer = new DefaultTrainer(spec, new FakeBackend().initialWeights(0, 0, 0))) {
            Map<String, Double> metrics = trainer.evaluate();
            // sum of 0.5 * y^2 over 4 items = 0.5 * (1 + 4 + 9 + 100) = 57, / 4 items
            assertThat(metrics.get("eval_loss")).isCloseTo(14.25, within(1e-12));
            assertThat(metrics.get("eval_mae")).isCloseTo(16.0 / 4, within(1e-12));
            assertThat(metrics.get("eval_n")).isEqualTo(5.0);
            assertThat(metrics.get("eval_small_loss")).isCloseTo(2.0, within(1e-12));
            assertThat(metrics).containsKeys("eval_runtime", "eval_samples_per_second", "eval_steps_per_second",
                    "eval_small_runtime", "eval_small_mae", "eval_small_n");
            assertThat(recorder.events()).containsExactly("onInitEnd",
                    "onPredictionStep", "onPredictionStep", "onPredictionStep", "onLog", "onEvaluate",
                    "onPredictionStep", "onLog", "onEvaluate");
            assertThat(trainer.state().logHistory().get(0)).containsEntry("eval_loss", 14.25).containsKeys("epoch", "step");
        }
    }

    @Test
    void evaluationWithoutMetricsHasOnlyLossAndSpeed() {
        TrainerSpec spec = TrainerSpec.builder().args(LoopFixtures.args(dir).build()).model(new FakeModel(2))
                .evalDataset(FakeData.regression(3, 2, 1)).build();
        FakeBackend backend = new FakeBackend();
        try (Trainer trainer = new DefaultTrainer(spec, backend)) {
            assertThat(trainer.evaluate()).containsOnlyKeys("eval_loss", "eval_runtime", "eval_samples_per_second",
                    "eval_steps_per_second");
        }
    }
}
