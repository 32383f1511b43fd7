package dev.trainer4j.plugins.tensorboard;

import dev.trainer4j.api.DataType;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.api.SamplingStrategy;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.plugins.tensorboard.TensorBoardCallbackTest.EventFile;
import dev.trainer4j.tf.TfModel;
import dev.trainer4j.tf.TfTrainer;
import dev.trainer4j.tf.nn.TfModelScope;
import dev.trainer4j.tf.nn.VariableRole;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.HistogramProto;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Gradient histograms from a real training run: a linear regression with a squared-error loss, whose gradient is
 * derived by hand here, trained two SGD steps by a {@link TfTrainer} with the TensorBoard callback; the event file is
 * read back with the project's own reader.
 */
class GradientHistogramsTest {
    private static final float[] KERNEL = {0.5f, -0.25f, 1.0f};
    private static final float BIAS = 0.1f;
    private static final float OFFSET = 0.2f;
    private static final double LEARNING_RATE = 0.1;
    /** Two batches of three rows: x (3 features) and y. */
    private static final float[][] X = {{1, 2, 0}, {0, 1, -1}, {2, 0, 1}, {1, 1, 1}, {-1, 0, 2}, {0, -2, 1}};
    private static final float[] Y = {1, -1, 2, 0, 3, -1};

    @TempDir
    Path outputDir;

    /**
     * prediction = x . kernel + bias + offset, per-item loss (prediction - y)^2; {@code offset} is frozen, so it gets
     * no gradient.
     */
    private static final class LinearRegression implements TfModel {
        @Override
        public String name() {
            return "linear-regression";
        }

        @Override
        public List<InputSpec> inputs() {
            return List.of(InputSpec.feature("x", DataType.FLOAT32, -1, 3), InputSpec.label("y", DataType.FLOAT32, -1));
        }

        @Override
        public List<String> frozenVariables() {
            return List.of("offset");
        }

        @Override
        @SuppressWarnings("unchecked")
        public ModelOutput<Operand<?>> build(TfModelScope scope, Map<String, Operand<?>> inputs) {
            Ops tf = scope.tf();
            Operand<TFloat32> kernel = scope.variable("kernel", Shape.of(3, 1), (ops, shape, seed) ->
                    ops.constant(new float[][] {{KERNEL[0]}, {KERNEL[1]}, {KERNEL[2]}}), VariableRole.WEIGHT);
            Operand<TFloat32> bias = scope.variable("bias", Shape.of(1), (ops, shape, seed) -> ops.constant(new float[] {BIAS}),
                    VariableRole.BIAS);
            Operand<TFloat32> offset = scope.variable("offset", Shape.of(1), (ops, shape, seed) ->
                    ops.constant(new float[] {OFFSET}), VariableRole.BIAS);
            Operand<TFloat32> x = (Operand<TFloat32>) inputs.get("x");
            Operand<TFloat32> prediction = tf.reshape(tf.math.add(tf.math.add(tf.linalg.matMul(x, kernel), bias), offset),
                    tf.constant(new int[] {-1}));
            Operand<TFloat32> y = (Operand<TFloat32>) inputs.get("y");
            if (y == null) {
                return ModelOutput.of(Map.of("prediction", prediction));
            }
            Operand<TFloat32> error = tf.math.sub(prediction, y);
            Operand<TFloat32> lossSum = tf.reduceSum(tf.math.mul(error, error), tf.constant(0));
            Operand<TFloat32> items = tf.dtypes.cast(tf.size(y, TInt32.class), TFloat32.class);
            return ModelOutput.withLoss(lossSum, items, Map.of("prediction", prediction));
        }
    }

    /** By hand: the gradient of the mean squared error over rows [from, from + 3), kernel then bias. */
    private static double[] gradient(double[] kernel, double bias, int from) {
        double[] gradient = new double[4];
        for (int row = from; row < from + 3; row++) {
            double residual = bias + OFFSET - Y[row];
            for (int j = 0; j < 3; j++) {
                residual += X[row][j] * kernel[j];
            }
            for (int j = 0; j < 3; j++) {
                gradient[j] += 2 * residual * X[row][j] / 3;
            }
            gradient[3] += 2 * residual / 3;
        }
        return gradient;
    }

    @Test
    void theLoggedStepsGradientHistogramHoldsTheHandDerivedGradient() throws IOException {
        List<Example> examples = new ArrayList<>();
        for (int row = 0; row < X.length; row++) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("x", X[row]);
            fields.put("y", Y[row]);
            examples.add(Example.of(fields));
        }
        TrainingArguments args = TrainingArguments.builder().outputDir(outputDir.resolve("out").toString())
                .perDeviceTrainBatchSize(3).maxSteps(2).optim("sgd").learningRate(LEARNING_RATE)
                .lrSchedulerType("constant").maxGradNorm(0).trainSamplingStrategy(SamplingStrategy.SEQUENTIAL)
                .loggingStrategy(IntervalStrategy.STEPS).loggingSteps(2).saveStrategy(SaveStrategy.NO).build();
        TensorBoardCallback callback = new TensorBoardCallback(new TensorBoardSettings(Optional.empty(), 10_000, 10, true),
                Clock.fixed(Instant.parse("2026-12-07T10:20:03Z"), ZoneOffset.UTC), "host");
        TrainerSpec spec = TrainerSpec.builder().args(args).model(new LinearRegression())
                .trainDataset(Dataset.of(examples)).addCallback(callback)
                .modelSettings(ConfigFactory.parseString("type = linear-regression, freeze = [offset], features = 3")).build();
        try (TfTrainer trainer = new TfTrainer(spec)) {
            trainer.train();
        }

        // by hand: step 1 on rows 0-2 from the initial weights, SGD; step 2 (the logged one) on rows 3-5
        double[] kernel = {KERNEL[0], KERNEL[1], KERNEL[2]};
        double[] first = gradient(kernel, BIAS, 0);
        for (int j = 0; j < 3; j++) {
            kernel[j] -= LEARNING_RATE * first[j];
        }
        double bias = BIAS - LEARNING_RATE * first[3];
        double[] second = gradient(kernel, bias, 3);

        EventFile file = TensorBoardCallbackTest.readEventFiles(callback.logDirectory()).get(0);
        Map<String, HistogramProto> histograms = new LinkedHashMap<>();
        file.histograms().forEach(value -> histograms.put(value.getTag(), value.getHisto()));
        // the frozen offset has a weight histogram but no gradient; only step 2 logs
        assertThat(histograms.keySet()).containsExactly("weights/kernel", "weights/bias", "weights/offset",
                "gradients/kernel", "gradients/bias");
        assertThat(file.histogramSteps()).containsOnly(2L);

        HistogramProto kernelGradient = histograms.get("gradients/kernel");
        assertThat(kernelGradient.getNum()).isEqualTo(3.0);
        assertThat(kernelGradient.getMin()).isCloseTo(Math.min(second[0], Math.min(second[1], second[2])), within(1e-5));
        assertThat(kernelGradient.getMax()).isCloseTo(Math.max(second[0], Math.max(second[1], second[2])), within(1e-5));
        assertThat(kernelGradient.getSum()).isCloseTo(second[0] + second[1] + second[2], within(1e-5));
        assertThat(kernelGradient.getSumSquares())
                .isCloseTo(second[0] * second[0] + second[1] * second[1] + second[2] * second[2], within(1e-4));
        HistogramProto biasGradient = histograms.get("gradients/bias");
        assertThat(biasGradient.getNum()).isEqualTo(1.0);
        assertThat(biasGradient.getSum()).isCloseTo(second[3], within(1e-5));
        // not the first step's gradient
        assertThat(Math.abs(first[3] - second[3])).isGreaterThan(0.1);
        // the weight histogram is of the weights after step 2
        assertThat(histograms.get("weights/offset").getSum()).isCloseTo(OFFSET, within(1e-7));
        assertThat(file.texts()).filteredOn(text -> text.getTag().equals("model_config")).singleElement()
                .satisfies(text -> assertThat(text.getTensor().getStringVal(0).toString(StandardCharsets.UTF_8)).isEqualTo(
                        "{\n  \"features\": 3,\n  \"freeze\": [\n    \"offset\"\n  ],\n  \"model_type\": \"linear-regression\"\n}"));
        assertThat(file.scalars()).filteredOn(scalar -> scalar.tag().equals("train/grad_norm")).singleElement()
                .satisfies(scalar -> assertThat(scalar.value()).isCloseTo((float) Math.sqrt(second[0] * second[0]
                        + second[1] * second[1] + second[2] * second[2] + second[3] * second[3]), within(1e-5f)));
    }
}
