package dev.trainer4j.loop;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.Metric;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code include-train-metrics}: the run's metrics on the logging step's training window, as {@code train_<metric>}. */
class TrainMetricsTest {
    // y = x + 1 for x = 0..7; one feature
    private static final float[] X = {0, 1, 2, 3, 4, 5, 6, 7};

    @TempDir
    Path dir;

    /** Mean absolute error and the number of rows it has seen since its last reset. */
    private static final class AbsoluteErrorMetric implements Metric {
        private double sum;
        private int rows;

        @Override
        public String name() {
            return "mae";
        }

        @Override
        public void reset() {
            sum = 0;
            rows = 0;
        }

        @Override
        public void update(EvalPrediction batch) {
            HostTensor predictions = batch.primaryPrediction();
            HostTensor labels = batch.labelIds().orElseThrow();
            for (int row = 0; row < labels.size(); row++) {
                sum += Math.abs(predictions.getDouble(row) - labels.getDouble(row));
                rows++;
            }
        }

        @Override
        public Map<String, Double> compute() {
            Map<String, Double> result = new LinkedHashMap<>();
            result.put("mae", sum / rows);
            result.put("rows", (double) rows);
            return result;
        }
    }

    /** Snapshots the fake engine's weights (then bias) at every log event. */
    private static final class WeightsAtLog implements Callback {
        private final FakeBackend backend;
        private final List<double[]> weights = new ArrayList<>();

        WeightsAtLog(FakeBackend backend) {
            this.backend = backend;
        }

        @Override
        public void onLog(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Object> logs) {
            weights.add(backend.lastEngine().parameters());
        }
    }

    private static Dataset linear() {
        List<Example> examples = new ArrayList<>();
        for (float x : X) {
            examples.add(FakeData.example(x + 1, x));
        }
        return Dataset.of(examples);
    }

    /** 8 examples, batch 2, accumulation 2: windows of 4 examples, 2 optimizer steps per epoch, 2 epochs. */
    private TrainingArguments.Builder args() {
        return LoopFixtures.args(dir).gradientAccumulationSteps(2).learningRate(0.01)
                .loggingStrategy(IntervalStrategy.STEPS).loggingSteps(2);
    }

    private static double handMae(double[] weights, int firstExample) {
        double sum = 0;
        for (int i = firstExample; i < firstExample + 4; i++) {
            sum += Math.abs(weights[0] * X[i] + weights[1] - (X[i] + 1));
        }
        return sum / 4;
    }

    @Test
    void loggingStepsCarryTheMetricsOfTheirWindowComputedWithTheUpdatedWeights() {
        FakeBackend backend = new FakeBackend().initialWeights(0.5, 0.0);
        WeightsAtLog weights = new WeightsAtLog(backend);
        RecordingCallback recorder = new RecordingCallback();
        TrainerSpec spec = TrainerSpec.builder().args(args().includeTrainMetrics(true).build()).model(new FakeModel(1))
                .trainDataset(linear()).addMetric(new AbsoluteErrorMetric()).addCallback(weights).addCallback(recorder).build();
        try (Trainer trainer = new DefaultTrainer(spec, backend)) {
            trainer.train();
        }
        List<Map<String, Object>> logs = LoopFixtures.entriesWith(recorder.logs(), "train_mae");
        // global steps 2 and 4 log; each is the second window of an epoch: examples 4..7 (sequential sampling)
        assertThat(logs).extracting(entry -> entry.get("step")).containsExactly(2L, 4L);
        for (Map<String, Object> entry : logs) {
            int logIndex = recorder.logs().indexOf(entry);
            double[] atLog = weights.weights.get(logIndex);
            assertThat(LoopFixtures.number(entry, "train_mae")).isCloseTo(handMae(atLog, 4), within(1e-9));
            assertThat(LoopFixtures.number(entry, "train_rows")).isEqualTo(4.0);
        }
        // the weights moved between the two logs, so the two values differ
        assertThat(LoopFixtures.number(logs.get(0), "train_mae")).isNotCloseTo(LoopFixtures.number(logs.get(1), "train_mae"), within(1e-6));
    }

    @Test
    void onlyLoggingStepsEvaluateOnTheEngine() {
        FakeBackend backend = new FakeBackend();
        TrainerSpec spec = TrainerSpec.builder().args(args().includeTrainMetrics(true).build()).model(new FakeModel(1))
                .trainDataset(linear()).addMetric(new AbsoluteErrorMetric()).build();
        try (Trainer trainer = new DefaultTrainer(spec, backend)) {
            trainer.train();
        }
        List<String> calls = backend.lastEngine().calls().stream()
                .filter(call -> call.startsWith("step(") || call.startsWith("evaluate(")).toList();
        // 0-based StepContext steps 1 and 3 are global steps 2 and 4, the logging steps; two micro-batches of 2 each
        assertThat(calls).containsExactly(
                "step(step=0, micro=1/2)",
                "step(step=1, micro=1/2)", "evaluate(2)", "evaluate(2)",
                "step(step=2, micro=1/2)",
                "step(step=3, micro=1/2)", "evaluate(2)", "evaluate(2)");
    }

    @Test
    void offByDefault() {
        FakeBackend backend = new FakeBackend();
        RecordingCallback recorder = new RecordingCallback();
        TrainerSpec spec = TrainerSpec.builder().args(args().build()).model(new FakeModel(1))
                .trainDataset(linear()).addMetric(new AbsoluteErrorMetric()).addCallback(recorder).build();
        try (Trainer trainer = new DefaultTrainer(spec, backend)) {
            trainer.train();
        }
        assertThat(backend.lastEngine().calls()).noneMatch(call -> call.startsWith("evaluate("));
        assertThat(LoopFixtures.entriesWith(recorder.logs(), "loss")).hasSize(2)
                .allSatisfy(entry -> assertThat(entry).doesNotContainKeys("train_mae", "train_rows"));
    }

    @Test
    void evaluationMetricsAreNotMixedWithTrainingBatches() {
        FakeBackend backend = new FakeBackend();
        RecordingCallback recorder = new RecordingCallback();
        // eval every 2 steps on 3 examples: eval_rows must count only those 3, not the 4 rows of the train window
        TrainingArguments arguments = args().includeTrainMetrics(true).evalStrategy(IntervalStrategy.STEPS).evalSteps(2.0).build();
        TrainerSpec spec = TrainerSpec.builder().args(arguments).model(new FakeModel(1)).trainDataset(linear())
                .evalDataset(FakeData.regression(3, 1, 7)).addMetric(new AbsoluteErrorMetric()).addCallback(recorder).build();
        try (Trainer trainer = new DefaultTrainer(spec, backend)) {
            trainer.train();
        }
        assertThat(recorder.evaluations()).hasSize(2).allSatisfy(metrics -> assertThat(metrics.get("eval_rows")).isEqualTo(3.0));
        assertThat(LoopFixtures.entriesWith(recorder.logs(), "train_rows")).hasSize(2)
                .allSatisfy(entry -> assertThat(LoopFixtures.number(entry, "train_rows")).isEqualTo(4.0));
    }

    @Test
    void computeMetricsSeesTheWholeWindowConcatenated() {
        FakeBackend backend = new FakeBackend();
        RecordingCallback recorder = new RecordingCallback();
        TrainerSpec spec = TrainerSpec.builder().args(args().includeTrainMetrics(true).build()).model(new FakeModel(1))
                .trainDataset(linear()).computeMetrics(all -> Map.of("label_sum", sum(all.labelIds().orElseThrow())))
                .addCallback(recorder).build();
        try (Trainer trainer = new DefaultTrainer(spec, backend)) {
            trainer.train();
        }
        // labels of examples 4..7 are 5, 6, 7, 8
        assertThat(LoopFixtures.entriesWith(recorder.logs(), "train_label_sum")).hasSize(2)
                .allSatisfy(entry -> assertThat(LoopFixtures.number(entry, "train_label_sum")).isEqualTo(26.0));
    }

    private static double sum(HostTensor tensor) {
        double total = 0;
        for (int i = 0; i < tensor.size(); i++) {
            total += tensor.getDouble(i);
        }
        return total;
    }
}
