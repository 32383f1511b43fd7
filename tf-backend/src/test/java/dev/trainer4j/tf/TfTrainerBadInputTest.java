package dev.trainer4j.tf;

import dev.trainer4j.api.DataException;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.NonFiniteLossException;
import dev.trainer4j.api.OptimizerType;
import dev.trainer4j.api.PredictionOutput;
import dev.trainer4j.api.SamplingStrategy;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.SchedulerType;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.tf.models.MlpClassifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.trainer4j.tf.TfTrainerTestSupport.CLASSES;
import static dev.trainer4j.tf.TfTrainerTestSupport.FEATURES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.within;

/** Bad input met by a real TfTrainer (loop, collator, engine): one clear error, never a crash. */
class TfTrainerBadInputTest {
    private static final int BATCH = 4;

    @TempDir
    Path output;

    private TrainingArguments.Builder args() {
        return TrainingArguments.builder().outputDir(output.toString()).seed(3).maxSteps(10)
                .perDeviceTrainBatchSize(BATCH).perDeviceEvalBatchSize(8)
                .optim(OptimizerType.ADAMW).learningRate(0.01).lrSchedulerType(SchedulerType.CONSTANT)
                .trainSamplingStrategy(SamplingStrategy.SEQUENTIAL).saveStrategy(SaveStrategy.NO);
    }

    private static TfTrainer trainer(TrainingArguments args, TfModel model, List<Example> train) {
        return new TfTrainer(TrainerSpec.builder().args(args).model(model)
                .trainDataset(TfTrainerTestSupport.dataset(train))
                .evalDataset(TfTrainerTestSupport.dataset(TfTrainerTestSupport.classification(12, FEATURES, 99)))
                .build());
    }

    private static List<Example> data() {
        return TfTrainerTestSupport.classification(40, FEATURES, 17);
    }

    @Test
    void aModelWithoutALossWhileLabelsAreGivenIsOneClearError() {
        try (TfTrainer trainer = trainer(args().build(), new LinearClassifier(FEATURES, CLASSES, 0, false), data())) {
            assertThatThrownBy(trainer::train)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasNoCause()
                    .hasMessageContaining("model 'linear-classifier' returned no loss for the training pass")
                    .hasMessageContaining("[labels]")
                    .hasMessageContaining("computeLoss");
            assertThatThrownBy(trainer::evaluate)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("returned no loss for the evaluation pass");
            assertThat(trainer.state().globalStep()).isZero();
        }
    }

    @Test
    void aBatchMissingADeclaredInputNamesTheMissingAndThePresentKeys() {
        List<Example> renamed = new ArrayList<>();
        for (Example example : data()) {
            renamed.add(Example.of(Map.of("measurements", example.get("features"), "label", example.get("label"))));
        }
        try (TfTrainer trainer = trainer(args().build(), TfTrainerTestSupport.mlp(FEATURES, 8, 0), renamed)) {
            assertThatThrownBy(trainer::train)
                    .isInstanceOf(DataException.class)
                    .hasMessageContaining("batch lacks [features]")
                    .hasMessageContaining("model 'mlp-classifier'")
                    .hasMessageContaining("missing: [features]")
                    .hasMessageContaining("present: [")
                    .hasMessageContaining("measurements")
                    .hasMessageContaining("labels");
        }
    }

    @Test
    void aDtypeMismatchNamesTheInputTheExpectedAndTheGivenType() {
        List<Example> integral = new ArrayList<>();
        for (Example example : data()) {
            float[] x = example.getFloatArray("features");
            int[] rounded = new int[x.length];
            for (int i = 0; i < x.length; i++) {
                rounded[i] = Math.round(x[i] * 10);
            }
            integral.add(example.with("features", rounded));
        }
        try (TfTrainer trainer = trainer(args().build(), TfTrainerTestSupport.mlp(FEATURES, 8, 0), integral)) {
            assertThatThrownBy(trainer::train)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("input 'features' of model 'mlp-classifier' expects FLOAT32[-1, 4]")
                    .hasMessageContaining("but the batch gives INT32[4, 4]");
        }
    }

    @Test
    void aShapeMismatchNamesTheInputTheExpectedAndTheGivenShape() {
        List<Example> wide = new ArrayList<>();
        for (Example example : data()) {
            float[] x = example.getFloatArray("features");
            wide.add(example.with("features", Arrays.copyOf(x, FEATURES + 1)));
        }
        try (TfTrainer trainer = trainer(args().build(), TfTrainerTestSupport.mlp(FEATURES, 8, 0), wide)) {
            assertThatThrownBy(trainer::train)
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("input 'features' of model 'mlp-classifier' expects FLOAT32[-1, 4]")
                    .hasMessageContaining("but the batch gives FLOAT32[4, 5]");
        }
    }

    @Test
    void aNanAtAKnownStepStopsWithTheStepAndLeavesTheWeightsOfTheStepBefore() {
        int failingStep = 4;
        List<Example> poisoned = new ArrayList<>(data());
        // sequential batches of 4: step 4 (1-based) is examples 12..15
        int row = (failingStep - 1) * BATCH + 1;
        float[] x = poisoned.get(row).getFloatArray("features").clone();
        x[2] = Float.NaN;
        poisoned.set(row, poisoned.get(row).with("features", x));
        MapDataset probe = TfTrainerTestSupport.dataset(TfTrainerTestSupport.classification(16, FEATURES, 7));

        HostTensor afterFailure;
        try (TfTrainer failing = trainer(args().build(), TfTrainerTestSupport.mlp(FEATURES, 8, 0), poisoned)) {
            NonFiniteLossException error = catchThrowableOfType(NonFiniteLossException.class, failing::train);
            assertThat(error).isNotNull();
            assertThat(error.globalStep()).isEqualTo(failingStep);
            assertThat(error.epoch()).isZero();
            assertThat(error).hasMessageContaining("global step " + failingStep)
                    .hasMessageContaining("batches 3..3 of the epoch")
                    .hasMessageContaining("non-finite-policy = skip");
            assertThat(failing.state().globalStep()).isEqualTo(failingStep - 1);
            // the trainer (and its engine) survive the failure: it still predicts
            afterFailure = logits(failing.predict(probe));
        }
        HostTensor stepBefore;
        try (TfTrainer reference = trainer(args().maxSteps(failingStep - 1).build(),
                TfTrainerTestSupport.mlp(FEATURES, 8, 0), poisoned)) {
            reference.train();
            stepBefore = logits(reference.predict(probe));
        }
        HostTensor cleanStep;
        try (TfTrainer clean = trainer(args().maxSteps(failingStep).build(), TfTrainerTestSupport.mlp(FEATURES, 8, 0), data())) {
            clean.train();
            cleanStep = logits(clean.predict(probe));
        }
        assertThat(TfTrainerTestSupport.bits(afterFailure)).containsExactly(TfTrainerTestSupport.bits(stepBefore));
        // the probe tells weights apart: one more (finite) step changes the logits
        assertThat(TfTrainerTestSupport.maxAbsDifference(cleanStep.floats(), stepBefore.floats())).isGreaterThan(1e-4);
    }

    private static HostTensor logits(PredictionOutput output) {
        return output.predictions().get(MlpClassifier.LOGITS);
    }

    @Test
    void evaluateWithoutMetricsReturnsExactlyTheLossAndRuntimeKeys() {
        List<Example> evalExamples = TfTrainerTestSupport.classification(12, FEATURES, 99);
        evalExamples.set(5, evalExamples.get(5).with("label", -100));
        MapDataset eval = TfTrainerTestSupport.dataset(evalExamples);
        try (TfTrainer trainer = new TfTrainer(TrainerSpec.builder().args(args().build())
                .model(TfTrainerTestSupport.mlp(FEATURES, 8, 0))
                .trainDataset(TfTrainerTestSupport.dataset(data())).evalDataset(eval).build())) {
            Map<String, Double> metrics = trainer.evaluate();
            assertThat(metrics).containsOnlyKeys("eval_loss", "eval_runtime", "eval_samples_per_second",
                    "eval_steps_per_second");
            assertThat(new ArrayList<>(metrics.keySet())).containsExactly("eval_loss", "eval_runtime",
                    "eval_samples_per_second", "eval_steps_per_second");
            assertThat(metrics.get("eval_runtime")).isPositive();
            // the loss is the mean cross-entropy over the 11 labelled items, from the same weights' logits
            float[] logits = logits(trainer.predict(eval)).floats();
            double sum = 0;
            int items = 0;
            for (int row = 0; row < evalExamples.size(); row++) {
                int label = (int) evalExamples.get(row).getLong("label");
                if (label == -100) {
                    continue;
                }
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < CLASSES; c++) {
                    max = Math.max(max, logits[row * CLASSES + c]);
                }
                double exp = 0;
                for (int c = 0; c < CLASSES; c++) {
                    exp += Math.exp(logits[row * CLASSES + c] - max);
                }
                sum += max + Math.log(exp) - logits[row * CLASSES + label];
                items++;
            }
            assertThat(items).isEqualTo(11);
            assertThat(metrics.get("eval_loss")).isCloseTo(sum / items, within(1e-6));
        }
    }
}
