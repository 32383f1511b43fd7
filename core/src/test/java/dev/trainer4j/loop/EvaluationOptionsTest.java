package dev.trainer4j.loop;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.Collator;
import dev.trainer4j.api.ComputeMetrics;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.DefaultCollator;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.Metric;
import dev.trainer4j.api.PredictionOutput;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.testing.FakeBackend;
import dev.trainer4j.testing.FakeData;
import dev.trainer4j.testing.FakeModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Issue 20's evaluation arguments: prediction-loss-only, include-for-metrics, batch-eval-metrics, and evaluate/predict
 * with ignore keys and a metric key prefix. The fake engine starts at w = 0.5, b = 0 on y = x + 1, x = 0..3, so every
 * prediction and loss below is worked out by hand.
 */
class EvaluationOptionsTest {
    @TempDir
    Path dir;

    /** Records what each batch's EvalPrediction held; its metric is the number of rows seen. */
    private static final class RecordingMetric implements Metric {
        final List<EvalPrediction> batches = new ArrayList<>();

        @Override public String name() { return "rows"; }
        @Override public void reset() { batches.clear(); }
        @Override public void update(EvalPrediction batch) { batches.add(batch); }
        @Override public Map<String, Double> compute() {
            return Map.of("rows", (double) batches.stream().mapToInt(batch -> batch.labelIds().orElseThrow().size()).sum());
        }
    }

    /** Counts rows per batch (computeBatch) and reports whether compute(all) was called. */
    private static final class StreamingCompute implements ComputeMetrics {
        final List<Boolean> computeResultFlags = new ArrayList<>();
        int rows;
        boolean computeAllCalled;

        @Override
        public Map<String, Double> compute(EvalPrediction all) {
            computeAllCalled = true;
            return Map.of();
        }

        @Override
        public Map<String, Double> computeBatch(EvalPrediction batch, boolean computeResult) {
            computeResultFlags.add(computeResult);
            rows += batch.labelIds().orElseThrow().size();
            return computeResult ? Map.of("streamed_rows", (double) rows) : Map.of();
        }
    }

    private static Dataset linear() {
        List<Example> examples = new ArrayList<>();
        for (int x = 0; x < 4; x++) {
            examples.add(FakeData.example(x + 1, x));
        }
        return Dataset.of(examples);
    }

    private Trainer trainer(TrainingArguments.Builder args, Metric metric, ComputeMetrics compute) {
        TrainerSpec.Builder spec = TrainerSpec.builder().args(args.build()).model(new FakeModel(1)).evalDataset(linear());
        if (metric != null) {
            spec.addMetric(metric);
        }
        if (compute != null) {
            spec.computeMetrics(compute);
        }
        return new DefaultTrainer(spec.build(), new FakeBackend().initialWeights(0.5, 0.0));
    }

    // per-item loss 0.5 (w x + b - y)^2 with w = 0.5, b = 0, y = x + 1: x=0: 0.5, x=1: 1.125, x=2: 2, x=3: 3.125
    private static final double MEAN_LOSS = (0.5 + 1.125 + 2 + 3.125) / 4;

    @Test
    void predictionLossOnlyReturnsTheLossWithoutPredictionsOrMetrics() {
        RecordingMetric metric = new RecordingMetric();
        try (Trainer trainer = trainer(LoopFixtures.args(dir).predictionLossOnly(true), metric, null)) {
            Map<String, Double> metrics = trainer.evaluate();
            PredictionOutput prediction = trainer.predict(linear());

            assertThat(metrics.get("eval_loss")).isCloseTo(MEAN_LOSS, within(1e-12));
            assertThat(metrics).doesNotContainKey("eval_rows");
            assertThat(metric.batches).isEmpty();
            assertThat(prediction.predictions()).isEmpty();
            assertThat(prediction.metrics().get("test_loss")).isCloseTo(MEAN_LOSS, within(1e-12));
        }
    }

    @Test
    void includeForMetricsAddsTheInputsAndTheBatchMeanLossPerRow() {
        RecordingMetric metric = new RecordingMetric();
        try (Trainer trainer = trainer(LoopFixtures.args(dir).includeForMetrics(List.of("inputs", "loss")), metric, null)) {
            trainer.evaluate();
        }
        // batch size 2: batch 0 holds x = 0, 1 (mean loss (0.5 + 1.125) / 2), batch 1 x = 2, 3 ((2 + 3.125) / 2)
        assertThat(metric.batches).hasSize(2);
        EvalPrediction first = metric.batches.get(0);
        assertThat(first.inputs()).containsOnlyKeys("x");
        assertThat(first.inputs().get("x").getDouble(1)).isEqualTo(1.0);
        HostTensor losses = first.losses().orElseThrow();
        assertThat(losses.size()).isEqualTo(2);
        assertThat(losses.getDouble(0)).isCloseTo(0.8125, within(1e-12));
        assertThat(losses.getDouble(1)).isCloseTo(0.8125, within(1e-12));
        assertThat(metric.batches.get(1).losses().orElseThrow().getDouble(0)).isCloseTo(2.5625, within(1e-12));
    }

    @Test
    void withoutIncludeForMetricsThereAreNoInputsOrLosses() {
        RecordingMetric metric = new RecordingMetric();
        try (Trainer trainer = trainer(LoopFixtures.args(dir), metric, null)) {
            trainer.evaluate();
        }
        assertThat(metric.batches).allSatisfy(batch -> {
            assertThat(batch.inputs()).isEmpty();
            assertThat(batch.losses()).isEmpty();
        });
    }

    @Test
    void batchEvalMetricsCallsComputeBatchPerBatchAndTakesTheLastResult() {
        StreamingCompute compute = new StreamingCompute();
        Map<String, Double> metrics;
        try (Trainer trainer = trainer(LoopFixtures.args(dir).set(TrainingArguments.BATCH_EVAL_METRICS, true)
                .perDeviceEvalBatchSize(1), null, compute)) {
            metrics = trainer.evaluate();
        }
        assertThat(compute.computeResultFlags).containsExactly(false, false, false, true);
        assertThat(compute.computeAllCalled).isFalse();
        assertThat(metrics).containsEntry("eval_streamed_rows", 4.0);
    }

    @Test
    void evaluateAndPredictTakeIgnoreKeysAndAMetricKeyPrefix() {
        RecordingMetric metric = new RecordingMetric();
        try (Trainer trainer = trainer(LoopFixtures.args(dir), metric, null)) {
            Map<String, Double> metrics = trainer.evaluate(linear(), List.of("predictions"), "dev");
            assertThat(metrics).containsKeys("dev_loss", "dev_rows", "dev_runtime").doesNotContainKey("eval_loss");
            assertThat(metric.batches).allSatisfy(batch -> assertThat(batch.predictions()).isEmpty());

            PredictionOutput kept = trainer.predict(linear(), List.of(), "holdout");
            PredictionOutput ignored = trainer.predict(linear(), List.of("predictions"), "holdout");
            assertThat(kept.predictions()).containsOnlyKeys("predictions");
            assertThat(kept.predictions().get("predictions").getDouble(3)).isCloseTo(1.5, within(1e-12));
            assertThat(kept.metrics()).containsKey("holdout_loss");
            assertThat(ignored.predictions()).isEmpty();
        }
    }

    /** Keeps the EvalPrediction compute-metrics is given. */
    private static final class KeepingCompute implements ComputeMetrics {
        EvalPrediction all;

        @Override
        public Map<String, Double> compute(EvalPrediction all) {
            this.all = all;
            return Map.of();
        }
    }

    /**
     * x = 0..3 as before, each row with a token sequence of length x + 1 (row x holds 1, 2, ..., x + 1); batches of 2
     * rows are padded to their own longest sequence: batch 0 (x = 0, 1) to length 2, batch 1 (x = 2, 3) to length 4.
     */
    private static Dataset linearWithTokens() {
        List<Example> examples = new ArrayList<>();
        for (int x = 0; x < 4; x++) {
            int[] tokens = new int[x + 1];
            for (int i = 0; i < tokens.length; i++) {
                tokens[i] = i + 1;
            }
            examples.add(Example.of(Map.of("x", new float[] {x}, "labels", (float) (x + 1), "tokens", tokens)));
        }
        return Dataset.of(examples);
    }

    /** The default collator for x and labels; {@code tokens} padded with 0 to the batch's longest sequence. */
    private static final Collator PADDING = (examples, context) -> {
        List<Example> rest = examples.stream()
                .map(example -> Example.of(Map.of("x", example.get("x"), "labels", example.get("labels")))).toList();
        Batch base = DefaultCollator.INSTANCE.collate(rest, context);
        int longest = examples.stream().mapToInt(example -> example.getIntArray("tokens").length).max().orElse(0);
        int[] padded = new int[examples.size() * longest];
        for (int row = 0; row < examples.size(); row++) {
            int[] tokens = examples.get(row).getIntArray("tokens");
            System.arraycopy(tokens, 0, padded, row * longest, tokens.length);
        }
        Map<String, HostTensor> tensors = new java.util.LinkedHashMap<>(base.tensors());
        tensors.put("tokens", HostTensor.ofInts(padded, examples.size(), longest));
        return new Batch(tensors);
    };

    private Trainer tokenTrainer(boolean concatenate, ComputeMetrics compute) {
        TrainerSpec spec = TrainerSpec.builder().collator(PADDING).args(LoopFixtures.args(dir).includeForMetrics(List.of("inputs"))
                        .set(TrainingArguments.EVAL_DO_CONCAT_BATCHES, concatenate).build())
                .model(new FakeModel(1)).evalDataset(linearWithTokens()).computeMetrics(compute).build();
        // the fake model declares x and labels only; the tokens stay in the batch as an input for metrics
        return new DefaultTrainer(spec, new FakeBackend().initialWeights(0.5, 0.0)) {
            @Override
            protected Batch prepareBatch(Batch batch, boolean training) {
                Map<String, HostTensor> tensors = new java.util.LinkedHashMap<>(super.prepareBatch(batch, training).tensors());
                tensors.put("tokens", batch.get("tokens"));
                return new Batch(tensors);
            }
        };
    }

    @Test
    void evalDoConcatBatchesFalseKeepsEachBatchWithItsOwnPaddedLength() {
        KeepingCompute compute = new KeepingCompute();
        PredictionOutput output;
        try (Trainer trainer = tokenTrainer(false, compute)) {
            trainer.evaluate();
            output = trainer.predict(linearWithTokens());
        }
        EvalPrediction all = compute.all;
        assertThat(all.isConcatenated()).isFalse();
        assertThat(all.predictions()).isEmpty();
        assertThat(all.batches()).hasSize(2);
        HostTensor first = all.batches().get(0).inputs().get("tokens");
        HostTensor second = all.batches().get(1).inputs().get("tokens");
        assertThat(first.shape()).containsExactly(2, 2);
        assertThat(second.shape()).containsExactly(2, 4);
        // row x = 1 is [1, 2]; row x = 3 is [1, 2, 3, 4]
        assertThat(first.getDouble(3)).isEqualTo(2.0);
        assertThat(second.getDouble(7)).isEqualTo(4.0);
        // predictions w x + b = 0.5 x: batch 1 holds x = 2, 3
        assertThat(all.batches().get(1).primaryPrediction().getDouble(1)).isCloseTo(1.5, within(1e-12));
        assertThat(all.batches().get(1).labelIds().orElseThrow().getDouble(0)).isEqualTo(3.0);
        org.assertj.core.api.Assertions.assertThatThrownBy(all::primaryPrediction)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("eval-do-concat-batches = false");

        assertThat(output.predictions()).isEmpty();
        assertThat(output.labelIds()).isEmpty();
        assertThat(output.predictionBatches()).hasSize(2);
        assertThat(output.predictionBatches().get(0).get("predictions").shape()).containsExactly(2);
        assertThat(output.predictionBatches().get(1).get("predictions").getDouble(1)).isCloseTo(1.5, within(1e-12));
        assertThat(output.labelIdBatches()).hasSize(2);
        assertThat(output.labelIdBatches().get(0).getDouble(1)).isEqualTo(2.0);
        assertThat(output.metrics()).containsKey("test_loss");
    }

    @Test
    void evalDoConcatBatchesTrueConcatenatesPaddingShorterBatchesWithMinus100() {
        KeepingCompute compute = new KeepingCompute();
        PredictionOutput output;
        try (Trainer trainer = tokenTrainer(true, compute)) {
            trainer.evaluate();
            output = trainer.predict(linearWithTokens());
        }
        EvalPrediction all = compute.all;
        assertThat(all.isConcatenated()).isTrue();
        assertThat(all.batches()).isEmpty();
        HostTensor tokens = all.inputs().get("tokens");
        assertThat(tokens.shape()).containsExactly(4, 4);
        // row x = 1 of batch 0 was [1, 2] (padded to 2 in its batch); concatenated to length 4 with -100
        assertThat(tokens.getDouble(4)).isEqualTo(1.0);
        assertThat(tokens.getDouble(5)).isEqualTo(2.0);
        assertThat(tokens.getDouble(6)).isEqualTo(-100.0);
        assertThat(output.predictions().get("predictions").shape()).containsExactly(4);
        assertThat(output.predictionBatches()).isEmpty();
        assertThat(output.labelIdBatches()).isEmpty();
    }
}
