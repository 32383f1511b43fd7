package dev.trainer4j.samples.customloss;

import dev.trainer4j.api.Example;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.OptimizerType;
import dev.trainer4j.api.SamplingStrategy;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.SchedulerType;
import dev.trainer4j.api.TrainOutput;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.CheckpointScope;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.tf.TfBackend;
import dev.trainer4j.tf.TfTrainingEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The weighted loss is the one the trainer differentiates and applies, and the sample learns iris. */
final class CustomLossSampleTest {
    private static final Path DATA = Path.of("data");
    private static final String HIDDEN_KERNEL = "mlp/dense_0/kernel";
    private static final String HIDDEN_BIAS = "mlp/dense_0/bias";
    private static final String KERNEL = "mlp/classifier/kernel";
    private static final String BIAS = "mlp/classifier/bias";
    private static final double[] UNWEIGHTED = {1, 1, 1};

    @Test
    void oneSgdStepAppliesTheClosedFormWeightedCrossEntropyGradient(@TempDir Path output) {
        MapDataset train = CustomLossSample.loadSplit(DATA, "train");
        // one full-batch step of plain SGD at learning rate 1: the weight change is minus the gradient
        TrainingArguments args = CustomLossSample.arguments(output)
                .optim(OptimizerType.SGD).learningRate(1).lrSchedulerType(SchedulerType.CONSTANT)
                .maxGradNorm(0).weightDecay(0)
                .maxSteps(1).perDeviceTrainBatchSize(train.size()).trainSamplingStrategy(SamplingStrategy.SEQUENTIAL)
                .evalStrategy(IntervalStrategy.NO).saveStrategy(SaveStrategy.STEPS).saveSteps(1).saveOnlyModel(true)
                .build();
        try (TfTrainingEngine inspector = new TfBackend().compile(CustomLossSample.model(0), args,
                new EngineOptions(List.of(), -1))) {
            // the seeded initial values are a function of (seed, variable name): the trainer's engine starts there too
            Map<String, float[]> before = inspector.readVariables();
            Map<String, Double> metrics;
            TrainOutput trained;
            try (WeightedLossTrainer trainer = CustomLossSample.trainer(CustomLossSample.spec(args, DATA, 0))) {
                trained = trainer.train();
                metrics = trainer.evaluate();
            }
            inspector.restore(output.resolve("checkpoint-1/engine"), CheckpointScope.MODEL);
            Map<String, float[]> after = inspector.readVariables();

            Mlp initial = new Mlp(before);
            Gradients weighted = initial.gradients(train, toDoubles(CustomLossSample.CLASS_WEIGHTS));
            assertThat(trained.globalStep()).isEqualTo(1);
            assertThat(trained.trainingLoss()).as("the logged loss is the weighted mean").isCloseTo(weighted.loss(), within(1e-5));
            assertStep(before, after, HIDDEN_KERNEL, weighted.hiddenKernel());
            assertStep(before, after, HIDDEN_BIAS, weighted.hiddenBias());
            assertStep(before, after, KERNEL, weighted.kernel());
            assertStep(before, after, BIAS, weighted.bias());

            // the weights matter: plain cross-entropy would have moved the classifier kernel elsewhere
            Gradients plain = initial.gradients(train, UNWEIGHTED);
            assertThat(maxAbsDifference(plain.kernel(), weighted.kernel())).isGreaterThan(1e-2);
            assertThat(plain.loss()).isNotCloseTo(weighted.loss(), within(1e-3));

            // the evaluation pass uses the weighted loss as well (weights after the step, validation split)
            Gradients evaluated = new Mlp(after).gradients(CustomLossSample.loadSplit(DATA, "validation"),
                    toDoubles(CustomLossSample.CLASS_WEIGHTS));
            assertThat(metrics.get("eval_loss")).isCloseTo(evaluated.loss(), within(1e-5));
        }
    }

    @Test
    void sampleReachesNinetyPercentValidationAccuracy(@TempDir Path output) {
        Map<String, Double> results = CustomLossSample.run(DATA, output);

        assertThat(results.get("global_step")).isEqualTo(60 * 8);
        assertThat(results.get("eval_accuracy")).isGreaterThanOrEqualTo(0.9);
        assertThat(results.get("test_accuracy")).isGreaterThanOrEqualTo(0.85);
        assertThat(results.get("eval_loss")).isLessThan(0.35);
    }

    // ------------------------------------------------------------------------------------------------ the closed form

    private record Gradients(double loss, double[] hiddenKernel, double[] hiddenBias, double[] kernel, double[] bias) {
    }

    /** The sample's MLP (4 → 16 ReLU → 3) in double precision, from a snapshot of its variables. */
    private static final class Mlp {
        private final float[] hiddenKernel;
        private final float[] hiddenBias;
        private final float[] kernel;
        private final float[] bias;
        private final int hidden;

        Mlp(Map<String, float[]> variables) {
            hiddenKernel = variables.get(HIDDEN_KERNEL);
            hiddenBias = variables.get(HIDDEN_BIAS);
            kernel = variables.get(KERNEL);
            bias = variables.get(BIAS);
            hidden = hiddenBias.length;
            assertThat(hiddenKernel).hasSize(CustomLossSample.FEATURES * hidden);
            assertThat(kernel).hasSize(hidden * CustomLossSample.CLASSES);
        }

        /** d(Σ w_y·ℓ / Σ w_y)/dθ over every example of {@code data}, with ℓ the softmax cross-entropy. */
        Gradients gradients(MapDataset data, double[] classWeights) {
            int features = CustomLossSample.FEATURES;
            int classes = CustomLossSample.CLASSES;
            double totalWeight = 0;
            for (int row = 0; row < data.size(); row++) {
                totalWeight += classWeights[(int) data.get(row).getLong("label")];
            }
            double loss = 0;
            double[] dHiddenKernel = new double[features * hidden];
            double[] dHiddenBias = new double[hidden];
            double[] dKernel = new double[hidden * classes];
            double[] dBias = new double[classes];
            for (int row = 0; row < data.size(); row++) {
                Example example = data.get(row);
                float[] x = example.getFloatArray("features");
                int label = (int) example.getLong("label");
                double weight = classWeights[label] / totalWeight;
                double[] pre = new double[hidden];
                double[] h = new double[hidden];
                for (int j = 0; j < hidden; j++) {
                    double value = hiddenBias[j];
                    for (int f = 0; f < features; f++) {
                        value += (double) x[f] * hiddenKernel[f * hidden + j];
                    }
                    pre[j] = value;
                    h[j] = Math.max(value, 0);
                }
                double[] z = new double[classes];
                double max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    double value = bias[c];
                    for (int j = 0; j < hidden; j++) {
                        value += h[j] * kernel[j * classes + c];
                    }
                    z[c] = value;
                    max = Math.max(max, value);
                }
                double sum = 0;
                for (int c = 0; c < classes; c++) {
                    sum += Math.exp(z[c] - max);
                }
                double logSum = max + Math.log(sum);
                loss += weight * (logSum - z[label]);
                // dℓ/dz = softmax(z) - onehot(y), scaled by the item's share of the total weight
                double[] dz = new double[classes];
                for (int c = 0; c < classes; c++) {
                    dz[c] = weight * (Math.exp(z[c] - logSum) - (c == label ? 1 : 0));
                    dBias[c] += dz[c];
                    for (int j = 0; j < hidden; j++) {
                        dKernel[j * classes + c] += h[j] * dz[c];
                    }
                }
                for (int j = 0; j < hidden; j++) {
                    if (pre[j] <= 0) {
                        continue;
                    }
                    double dPre = 0;
                    for (int c = 0; c < classes; c++) {
                        dPre += dz[c] * kernel[j * classes + c];
                    }
                    dHiddenBias[j] += dPre;
                    for (int f = 0; f < features; f++) {
                        dHiddenKernel[f * hidden + j] += x[f] * dPre;
                    }
                }
            }
            return new Gradients(loss, dHiddenKernel, dHiddenBias, dKernel, dBias);
        }
    }

    // ------------------------------------------------------------------------------------------------ utilities

    private static void assertStep(Map<String, float[]> before, Map<String, float[]> after, String name, double[] gradient) {
        float[] start = before.get(name);
        float[] end = after.get(name);
        assertThat(end).as(name).hasSize(gradient.length);
        double[] applied = new double[gradient.length];
        for (int i = 0; i < gradient.length; i++) {
            applied[i] = (double) start[i] - end[i];
        }
        assertThat(maxAbsDifference(applied, gradient)).as("max |(-Δ%s) - gradient|", name).isLessThanOrEqualTo(1e-6);
        assertThat(maxAbsDifference(gradient, new double[gradient.length])).as("%s moved", name).isGreaterThan(1e-4);
    }

    private static double maxAbsDifference(double[] a, double[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }

    private static double[] toDoubles(float[] values) {
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = values[i];
        }
        return result;
    }
}
