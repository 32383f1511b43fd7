package dev.trainer4j.loop;

import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.DataException;
import dev.trainer4j.api.NonFiniteLossException;
import dev.trainer4j.api.NonFinitePolicy;
import dev.trainer4j.api.PredictionOutput;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.testing.FakeBackend;
import dev.trainer4j.testing.FakeData;
import dev.trainer4j.testing.FakeEngine;
import dev.trainer4j.testing.FakeModel;
import dev.trainer4j.testing.RecordingCallback;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class LifecycleTest {
    @TempDir
    Path dir;

    private double[] weightsAfter(long maxSteps) {
        TrainerSpec spec = TrainerSpec.builder().args(LoopFixtures.args(dir).maxSteps(maxSteps).build())
                .model(new FakeModel(2)).trainDataset(FakeData.regression(12, 2, 1)).build();
        FakeBackend backend = new FakeBackend();
        try (Trainer trainer = new DefaultTrainer(spec, backend)) {
            trainer.train();
            return backend.lastEngine().parameters();
        }
    }

    @Test
    void nonFiniteStepStopsWithAMessageNamingTheStep() {
        TrainerSpec spec = TrainerSpec.builder().args(LoopFixtures.args(dir).build())
                .model(new FakeModel(2)).trainDataset(FakeData.regression(12, 2, 1)).build();
        FakeBackend backend = new FakeBackend().nonFiniteAt(2);
        try (Trainer trainer = new DefaultTrainer(spec, backend)) {
            assertThatThrownBy(trainer::train)
                    .isInstanceOf(NonFiniteLossException.class)
                    .hasMessageContaining("at global step 3 (1-based")
                    .hasMessageContaining("epoch 0, batches 2..2 of the epoch")
                    .hasMessageContaining("weights and optimizer state are unchanged")
                    .satisfies(e -> assertThat(((NonFiniteLossException) e).globalStep()).isEqualTo(3));
            assertThat(backend.lastEngine().parameters()).containsExactly(weightsAfter(2), within(0.0));
        }
    }

    @Test
    void nonFiniteStepIsSkippedAndCounted() {
        TrainerSpec spec = TrainerSpec.builder().args(LoopFixtures.args(dir).numTrainEpochs(1)
                        .nonFinitePolicy(NonFinitePolicy.SKIP).loggingStrategy(dev.trainer4j.api.IntervalStrategy.STEPS)
                        .loggingSteps(3).build())
                .model(new FakeModel(2)).trainDataset(FakeData.regression(12, 2, 1)).build();
        FakeBackend backend = new FakeBackend().nonFiniteAt(1, 4);
        try (Trainer trainer = new DefaultTrainer(spec, backend)) {
            trainer.train();
            assertThat(trainer.state().globalStep()).isEqualTo(6);
            assertThat(trainer.state().numNonFiniteSteps()).isEqualTo(2);
            // the engine reports only the finite steps: the first log window (steps 1..3) averages 2 of them
            assertThat(LoopFixtures.entriesWith(trainer.state().logHistory(), "loss")).hasSize(2);
        }
    }

    @Test
    void evaluateBeforeTrainUsesTheInitialWeightsAndTrainContinuesFromThem() {
        Dataset eval = Dataset.of(List.of(FakeData.example(1, 1, 2)));
        TrainerSpec spec = TrainerSpec.builder().args(LoopFixtures.args(dir).build()).model(new FakeModel(2))
                .trainDataset(FakeData.regression(4, 2, 1)).evalDataset(eval).build();
        FakeBackend backend = new FakeBackend().initialWeights(0.5, -1, 0.25);
        try (Trainer trainer = new DefaultTrainer(spec, backend)) {
            // prediction 0.5 * 1 - 1 * 2 + 0.25 = -1.25; loss 0.5 * (-1.25 - 1)^2
            assertThat(trainer.evaluate().get("eval_loss")).isCloseTo(0.5 * 2.25 * 2.25, within(1e-12));
            trainer.train();
            assertThat(backend.engines()).hasSize(1);
            assertThat(backend.lastEngine().calls()).startsWith("evaluate(1)", "step(step=0, micro=0/1)");
            assertThat(backend.lastEngine().calls()).doesNotContain("resetOptimizer");
        }
    }

    @Test
    void secondTrainWithAModelFactoryStartsAFreshModelAndState() {
        RecordingCallback recorder = new RecordingCallback();
        TrainerSpec spec = TrainerSpec.builder().args(LoopFixtures.args(dir).build()).modelFactory(() -> new FakeModel(2))
                .trainDataset(FakeData.regression(4, 2, 1)).addCallback(recorder).build();
        FakeBackend backend = new FakeBackend();
        try (Trainer trainer = new DefaultTrainer(spec, backend)) {
            trainer.train();
            FakeEngine first = backend.lastEngine();
            double[] firstWeights = first.parameters();
            trainer.train();
            assertThat(backend.engines()).hasSize(2);
            assertThat(first.isClosed()).isTrue();
            assertThat(backend.lastEngine().calls()).doesNotContain("resetOptimizer");
            // a fresh model seeded alike trains to the same weights
            assertThat(backend.lastEngine().parameters()).containsExactly(firstWeights, within(0.0));
            assertThat(trainer.state().globalStep()).isEqualTo(4);
            assertThat(LoopFixtures.entriesWith(trainer.state().logHistory(), "train_loss")).hasSize(1);
            assertThat(recorder.events().stream().filter("onTrainBegin"::equals).count()).isEqualTo(2);
        }
        assertThat(backend.lastEngine().isClosed()).isTrue();
    }

    @Test
    void secondTrainWithAReadyModelResetsTheOptimizerAndKeepsTheWeights() {
        TrainerSpec spec = TrainerSpec.builder().args(LoopFixtures.args(dir).optim("adamw").build()).model(new FakeModel(2))
                .trainDataset(FakeData.regression(4, 2, 1)).build();
        FakeBackend backend = new FakeBackend();
        try (Trainer trainer = new DefaultTrainer(spec, backend)) {
            trainer.train();
            double[] afterFirst = backend.lastEngine().parameters();
            trainer.train();
            assertThat(backend.engines()).hasSize(1);
            assertThat(backend.lastEngine().calls()).contains("resetOptimizer");
            assertThat(backend.lastEngine().parameters()).isNotEqualTo(afterFirst);
            assertThat(trainer.state().globalStep()).isEqualTo(4);
        }
    }

    @Test
    void removeUnusedColumnsDropsUndeclaredColumnsOnlyWhenOn() {
        Dataset withId = Dataset.of(List.of(
                Example.of(Map.of("x", new float[] {1, 0}, "labels", 1f, "id", 7)),
                Example.of(Map.of("x", new float[] {0, 1}, "labels", 2f, "id", 8))));
        for (boolean remove : new boolean[] {true, false}) {
            TrainerSpec spec = TrainerSpec.builder().args(LoopFixtures.args(dir).numTrainEpochs(1).removeUnusedColumns(remove).build())
                    .model(new FakeModel(2)).trainDataset(withId).build();
            FakeBackend backend = new FakeBackend();
            try (Trainer trainer = new DefaultTrainer(spec, backend)) {
                trainer.train();
                Set<String> keys = backend.lastEngine().trainBatchKeys().get(0);
                if (remove) {
                    assertThat(keys).containsExactlyInAnyOrder("x", "labels");
                }
                else {
                    assertThat(keys).containsExactlyInAnyOrder("x", "labels", "id");
                }
            }
        }
    }

    @Test
    void aMissingInputIsAClearErrorButMissingEvalLabelsAreAllowed() {
        Map<String, Object> fields = new java.util.LinkedHashMap<>();
        fields.put("labels", 1f);
        fields.put("z", 3f);
        Dataset noFeatures = Dataset.of(List.of(Example.of(fields)));
        TrainerSpec spec = TrainerSpec.builder().args(LoopFixtures.args(dir).build()).model(new FakeModel(2))
                .trainDataset(noFeatures).build();
        try (Trainer trainer = new DefaultTrainer(spec, new FakeBackend())) {
            assertThatThrownBy(trainer::train)
                    .hasMessageContaining("batch lacks [x] that model 'linear-regression' needs for training")
                    .hasMessageContaining("present: [labels, z]");
        }
        Dataset unlabelled = Dataset.of(List.of(Example.of(Map.of("x", new float[] {1, 1}))));
        TrainerSpec evalSpec = TrainerSpec.builder().args(LoopFixtures.args(dir).build()).model(new FakeModel(2))
                .evalDataset(unlabelled).build();
        try (Trainer trainer = new DefaultTrainer(evalSpec, new FakeBackend())) {
            assertThat(trainer.evaluate()).doesNotContainKey("eval_loss").containsKey("eval_runtime");
        }
    }

    @Test
    void predictConcatenatesInDatasetOrder() {
        Dataset test = Dataset.of(List.of(FakeData.example(1, 1, 0), FakeData.example(2, 0, 1), FakeData.example(3, 1, 1)));
        RecordingCallback recorder = new RecordingCallback();
        TrainerSpec spec = TrainerSpec.builder().args(LoopFixtures.args(dir).build()).model(new FakeModel(2))
                .addCallback(recorder).build();
        try (Trainer trainer = new DefaultTrainer(spec, new FakeBackend().initialWeights(2, 3, 1))) {
            PredictionOutput output = trainer.predict(test);
            assertThat(output.predictions().get("predictions").doubles()).containsExactly(3, 4, 6);
            assertThat(output.labelIds().orElseThrow().floats()).containsExactly(1, 2, 3);
            // 0.5 * (4 + 4 + 9) / 3
            assertThat(output.metrics().get("test_loss")).isCloseTo(17.0 / 6, within(1e-12));
            assertThat(recorder.events()).containsExactly("onInitEnd", "onPredictionStep", "onPredictionStep", "onPredict");
            assertThat(trainer.state().logHistory()).isEmpty();
        }
    }

    @Test
    void predictWithoutLabelsGivesPredictionsAndNoMetricsAsHfDoes() {
        Dataset unlabelled = Dataset.of(List.of(Example.of(Map.of("x", new float[] {1, 0})),
                Example.of(Map.of("x", new float[] {0, 1})), Example.of(Map.of("x", new float[] {1, 1}))));
        List<String> computed = new java.util.ArrayList<>();
        TrainerSpec spec = TrainerSpec.builder().args(LoopFixtures.args(dir).build()).model(new FakeModel(2))
                .addMetric(new LabelNeedingMetric()).computeMetrics(prediction -> {
                    computed.add("called");
                    return Map.of();
                }).build();
        try (Trainer trainer = new DefaultTrainer(spec, new FakeBackend().initialWeights(2, 3, 1))) {
            PredictionOutput output = trainer.predict(unlabelled);

            assertThat(output.predictions().get("predictions").doubles()).containsExactly(3, 4, 6);
            assertThat(output.labelIds()).isEmpty();
            assertThat(output.metrics()).containsOnlyKeys("test_runtime", "test_samples_per_second", "test_steps_per_second");
            assertThat(computed).isEmpty();

            PredictionOutput labelled = trainer.predict(Dataset.of(List.of(FakeData.example(1, 1, 0), FakeData.example(2, 0, 1))));
            assertThat(labelled.labelIds().orElseThrow().floats()).containsExactly(1, 2);
            assertThat(labelled.metrics()).containsKeys("test_loss", "test_rows_with_labels");
            assertThat(computed).containsExactly("called");

            Dataset mixed = Dataset.of(List.of(FakeData.example(1, 1, 0), FakeData.example(2, 0, 1),
                    Example.of(Map.of("x", new float[] {1, 1}))));
            assertThatThrownBy(() -> trainer.predict(mixed))
                    .isInstanceOf(DataException.class)
                    .hasMessage("batch 1 has no labels but the batches before it have [labels]; label every row or none");
        }
    }

    /**
     * A run without label names (a model with no label input, e.g. an embedding head) has no labels to score: its
     * predictions come without metrics, as for unlabelled data, instead of failing in the first metric.
     */
    @Test
    void predictWithoutLabelNamesGivesNoMetrics() {
        TrainerSpec spec = TrainerSpec.builder().args(LoopFixtures.args(dir).labelNames(List.of()).build())
                .model(new FakeModel(2)).addMetric(new LabelNeedingMetric()).build();
        try (Trainer trainer = new DefaultTrainer(spec, new FakeBackend().initialWeights(2, 3, 1))) {
            PredictionOutput output = trainer.predict(Dataset.of(List.of(Example.of(Map.of("x", new float[] {1, 0})),
                    Example.of(Map.of("x", new float[] {0, 1})))));

            assertThat(output.predictions().get("predictions").doubles()).containsExactly(3, 4);
            assertThat(output.metrics()).doesNotContainKey("test_rows_with_labels");
        }
    }

    /** Counts labelled rows; refuses a batch without labels, as the accuracy metric does. */
    private static final class LabelNeedingMetric implements dev.trainer4j.api.Metric {
        private long rows;

        @Override
        public String name() {
            return "rows_with_labels";
        }

        @Override
        public void reset() {
            rows = 0;
        }

        @Override
        public void update(dev.trainer4j.api.EvalPrediction batch) {
            if (batch.labels().isEmpty()) {
                throw new IllegalArgumentException("rows_with_labels: the evaluation data has no labels");
            }
            rows += batch.labels().values().iterator().next().shape()[0];
        }

        @Override
        public Map<String, Double> compute() {
            return Map.of(name(), (double) rows);
        }
    }

    @Test
    void refusesAnOutputDirWithCheckpointsUnlessAsked() {
        TrainerSpec spec = TrainerSpec.builder().args(LoopFixtures.args(dir).saveStrategy(SaveStrategy.EPOCH).build())
                .model(new FakeModel(2)).trainDataset(FakeData.regression(4, 2, 1)).build();
        try (Trainer trainer = new DefaultTrainer(spec, new FakeBackend())) {
            trainer.train();
        }
        try (Trainer again = new DefaultTrainer(spec, new FakeBackend())) {
            assertThatThrownBy(again::train)
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("output-dir '" + dir + "' already holds another run [checkpoint-2, checkpoint-4]")
                    .hasMessageContaining("overwrite-output-dir = true")
                    .hasMessageContaining("resume-from-checkpoint = latest");
        }
        TrainerSpec overwrite = spec.toBuilder().args(LoopFixtures.args(dir).saveStrategy(SaveStrategy.EPOCH)
                .overwriteOutputDir(true).build()).build();
        try (Trainer trainer = new DefaultTrainer(overwrite, new FakeBackend())) {
            assertThat(trainer.train().globalStep()).isEqualTo(4);
        }
    }

    @Test
    void anOutputDirThatIsAFileIsAConfigurationError() throws java.io.IOException {
        Path file = java.nio.file.Files.writeString(dir.resolve("not-a-folder"), "x");
        TrainerSpec spec = TrainerSpec.builder().args(LoopFixtures.args(file).saveStrategy(SaveStrategy.EPOCH).build())
                .model(new FakeModel(2)).trainDataset(FakeData.regression(4, 2, 1)).build();
        for (String resume : new String[] {null, "latest"}) {
            try (Trainer trainer = new DefaultTrainer(spec, new FakeBackend())) {
                assertThatThrownBy(() -> trainer.train(resume))
                        .isInstanceOf(ConfigurationException.class)
                        .hasMessage("output-dir: '" + file + "' is not allowed; expected a folder, or a path where one can be"
                                + " created; it is a file");
            }
        }
    }
}
