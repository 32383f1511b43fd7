package dev.trainer4j.tf;

import dev.trainer4j.api.DataType;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.tf.nn.TfInitializers;
import dev.trainer4j.tf.nn.TfModelScope;
import dev.trainer4j.tf.nn.VariableRole;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** {@code label-smoothing-factor} in TfTrainer's default computeLoss, checked through an evaluation. */
final class TfTrainerLabelSmoothingTest {
    private static final float[][] LOGITS = {{2f, 0f, -1f}, {0.5f, 0.5f, 0.5f}, {1f, 3f, 0f}, {-2f, 1f, 4f}};
    private static final int[] LABELS = {0, 2, -100, 1};

    @TempDir
    Path output;

    @Test
    void smoothingReplacesTheModelLossWithHuggingFacesLabelSmootherValue() {
        double epsilon = 0.1;
        double expected = 0;
        int items = 0;
        for (int row = 0; row < LOGITS.length; row++) {
            if (LABELS[row] == -100) {
                continue;
            }
            double[] logProbabilities = logSoftmax(LOGITS[row]);
            double nll = -logProbabilities[LABELS[row]];
            double meanNegativeLog = 0;
            for (double logProbability : logProbabilities) {
                meanNegativeLog -= logProbability / logProbabilities.length;
            }
            expected += (1 - epsilon) * nll + epsilon * meanNegativeLog;
            items++;
        }
        expected /= items;

        assertThat(evalLoss(epsilon)).isCloseTo(expected, within(1e-5));
        // HF's LabelSmoother formula (nll.sum() / n + smoothed.sum() / (n * C)) on items 0, 1 and 3, by hand in Python
        assertThat(expected).isCloseTo(1.495357, within(1e-5));
    }

    @Test
    void zeroFactorKeepsTheModelsOwnLoss() {
        double sumOfLogits = 0;
        for (float[] row : LOGITS) {
            for (float logit : row) {
                sumOfLogits += logit;
            }
        }
        // two batches (3 + 1 examples), each reporting an item count of 2
        assertThat(evalLoss(0)).isCloseTo(sumOfLogits / 4, within(1e-5));
    }

    private double evalLoss(double labelSmoothing) {
        TrainingArguments args = TrainingArguments.builder()
                .outputDir(output.toString())
                .labelSmoothingFactor(labelSmoothing)
                .perDeviceEvalBatchSize(3)
                .disableProgress(true)
                .build();
        List<Example> examples = new java.util.ArrayList<>();
        for (int row = 0; row < LOGITS.length; row++) {
            examples.add(Example.of(Map.of("features", LOGITS[row], "labels", LABELS[row])));
        }
        TrainerSpec spec = TrainerSpec.builder().args(args).model(new IdentityLogitsModel())
                .evalDataset(Dataset.of(examples)).build();
        try (TfTrainer trainer = new TfTrainer(spec)) {
            return trainer.evaluate().get("eval_loss");
        }
    }

    private static double[] logSoftmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float logit : logits) {
            max = Math.max(max, logit);
        }
        double sum = 0;
        for (float logit : logits) {
            sum += Math.exp(logit - max);
        }
        double logSum = max + Math.log(sum);
        double[] result = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            result[i] = logits[i] - logSum;
        }
        return result;
    }

    /**
     * logits = features · scale (scale a variable of ones); its own loss is deliberately not cross-entropy: the sum
     * of all logits over an item count of 2 per batch, so a test can tell it from the smoothed loss.
     */
    private static final class IdentityLogitsModel implements TfModel {
        @Override
        public String name() {
            return "identity-logits";
        }

        @Override
        public List<InputSpec> inputs() {
            return List.of(InputSpec.feature("features", DataType.FLOAT32, -1, 3), InputSpec.label("labels", DataType.INT32, -1));
        }

        @Override
        @SuppressWarnings("unchecked")
        public ModelOutput<Operand<?>> build(TfModelScope scope, Map<String, Operand<?>> inputs) {
            Ops tf = scope.tf();
            Operand<TFloat32> scale = scope.variable("scale", Shape.of(3), TfInitializers.ones(), VariableRole.WEIGHT);
            Operand<TFloat32> logits = tf.math.mul((Operand<TFloat32>) inputs.get("features"), scale);
            Map<String, Operand<?>> outputs = Map.of("logits", logits);
            if (!inputs.containsKey("labels")) {
                return ModelOutput.of(outputs);
            }
            Operand<TFloat32> sum = tf.reduceSum(logits, tf.constant(new int[] {0, 1}));
            Operand<TFloat32> batches = tf.constant(2f);
            return ModelOutput.withLoss(sum, batches, outputs);
        }
    }
}
