package dev.trainer4j.tf;

import dev.trainer4j.api.Example;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.api.OptimizerType;
import dev.trainer4j.api.SamplingStrategy;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.TrainOutput;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.tf.models.MlpClassifier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.trainer4j.tf.TfTrainerTestSupport.FEATURES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Gradient accumulation through the whole Trainer (sampler, collator, loop, engine) equals one big batch. */
class TfTrainerGradientAccumulationTest {
    private static final int STEPS = 3;
    private static final double MAX_GRAD_NORM = 0.05;
    /** Label items per micro-batch of 8 (the rest are -100): 12 micro-batches, 3 windows, all unequal within a window. */
    private static final int[] ITEMS_PER_EIGHT = {8, 3, 6, 1, 2, 7, 5, 4, 1, 8, 2, 6};

    private static List<Example> data() {
        List<Example> examples = new ArrayList<>();
        List<Example> base = TfTrainerTestSupport.classification(8 * ITEMS_PER_EIGHT.length, FEATURES, 31);
        for (int row = 0; row < base.size(); row++) {
            boolean item = row % 8 < ITEMS_PER_EIGHT[row / 8];
            examples.add(item ? base.get(row) : base.get(row).with("label", -100));
        }
        return examples;
    }

    private static TrainingArguments args(Path output, int batchSize, int accumulation) {
        return TrainingArguments.builder().outputDir(output.toString()).seed(5)
                .maxSteps(STEPS).perDeviceTrainBatchSize(batchSize).gradientAccumulationSteps(accumulation)
                .optim(OptimizerType.ADAMW).learningRate(0.02).weightDecay(0.01).maxGradNorm(MAX_GRAD_NORM)
                .trainSamplingStrategy(SamplingStrategy.SEQUENTIAL)
                .loggingStrategy(IntervalStrategy.STEPS).loggingSteps(1)
                .saveStrategy(SaveStrategy.STEPS).saveSteps(STEPS).saveOnlyModel(true)
                .build();
    }

    private record Run(Map<String, float[]> weights, List<Double> losses, List<Double> gradNorms) {
    }

    private static Run train(Path output, int batchSize, int accumulation) {
        TrainingArguments args = args(output, batchSize, accumulation);
        MlpClassifier model = TfTrainerTestSupport.mlp(FEATURES, 8, 0);
        List<Double> losses = new ArrayList<>();
        List<Double> gradNorms = new ArrayList<>();
        try (TfTrainer trainer = new TfTrainer(TrainerSpec.builder().args(args).model(model)
                .trainDataset(TfTrainerTestSupport.dataset(data())).build())) {
            TrainOutput trained = trainer.train();
            assertThat(trained.globalStep()).isEqualTo(STEPS);
            for (Map<String, Object> entry : trainer.state().logHistory()) {
                if (entry.containsKey("loss")) {
                    losses.add(((Number) entry.get("loss")).doubleValue());
                    gradNorms.add(((Number) entry.get("grad_norm")).doubleValue());
                }
            }
        }
        return new Run(TfTrainerTestSupport.checkpointWeights(model, args, output.resolve("checkpoint-" + STEPS + "/engine")),
                losses, gradNorms);
    }

    @Test
    void thirtyTwoTimesOneEqualsEightTimesFourWithUnevenItemsAndClipping(@TempDir Path directory) {
        Run big = train(directory.resolve("big"), 32, 1);
        Run accumulated = train(directory.resolve("accumulated"), 8, 4);

        assertThat(big.losses()).hasSize(STEPS);
        assertThat(accumulated.losses()).hasSize(STEPS);
        for (int step = 0; step < STEPS; step++) {
            assertThat(accumulated.losses().get(step)).as("loss of step %d", step + 1)
                    .isCloseTo(big.losses().get(step), within(1e-6));
            assertThat(accumulated.gradNorms().get(step)).isCloseTo(big.gradNorms().get(step), within(1e-6));
            assertThat(big.gradNorms().get(step)).as("clipping is active at step %d", step + 1)
                    .isGreaterThan(2 * MAX_GRAD_NORM);
        }
        Map<String, float[]> initial = TfTrainerTestSupport.initialWeights(TfTrainerTestSupport.mlp(FEATURES, 8, 0),
                args(directory.resolve("unused"), 32, 1));
        assertThat(big.weights().keySet()).containsExactly("mlp/dense_0/kernel", "mlp/dense_0/bias",
                "mlp/classifier/kernel", "mlp/classifier/bias");
        for (String name : big.weights().keySet()) {
            assertThat(TfTrainerTestSupport.maxAbsDifference(accumulated.weights().get(name), big.weights().get(name)))
                    .as("max |Δ| of %s", name).isLessThanOrEqualTo(1e-6);
            // three AdamW steps of 0.02 move every weight by far more than the tolerance
            assertThat(TfTrainerTestSupport.maxAbsDifference(big.weights().get(name), initial.get(name)))
                    .as("%s trained", name).isGreaterThan(1e-2);
        }
    }

    @Test
    void aMeanPerMicroBatchWouldNotMatch(@TempDir Path directory) {
        // the control: the same windows with the loss averaged per micro-batch (what a naive loop does) differ,
        // so the equality above is not an accident of the data
        Run big = train(directory.resolve("big"), 32, 1);
        Run naive = trainNaive(directory.resolve("naive"));
        double largest = 0;
        for (String name : big.weights().keySet()) {
            largest = Math.max(largest, TfTrainerTestSupport.maxAbsDifference(naive.weights().get(name), big.weights().get(name)));
        }
        assertThat(largest).isGreaterThan(1e-4);
    }

    /** 8 × 4 where every micro-batch reports its mean loss with a count of 1/4: the window mean of micro-batch means. */
    private static Run trainNaive(Path output) {
        TrainingArguments args = args(output, 8, 4);
        MlpClassifier model = TfTrainerTestSupport.mlp(FEATURES, 8, 0);
        try (TfTrainer trainer = new TfTrainer(TrainerSpec.builder().args(args).model(model)
                .trainDataset(TfTrainerTestSupport.dataset(data())).build()) {
            @Override
            @SuppressWarnings("unchecked")
            public ModelOutput<Operand<?>> computeLoss(ModelOutput<Operand<?>> outputs, Map<String, Operand<?>> inputs, Ops tf) {
                Operand<TFloat32> sum = (Operand<TFloat32>) outputs.lossSum().orElseThrow();
                Operand<TFloat32> count = (Operand<TFloat32>) outputs.itemCount().orElseThrow();
                return outputs.withLoss(tf.math.div(sum, count), tf.constant(0.25f));
            }
        }) {
            trainer.train();
        }
        return new Run(TfTrainerTestSupport.checkpointWeights(model, args, output.resolve("checkpoint-" + STEPS + "/engine")),
                List.of(), List.of());
    }
}
