package dev.trainer4j.tf;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.CheckpointException;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.api.OptimizerType;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.BackendCapability;
import dev.trainer4j.spi.CheckpointScope;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.EvalBatchOutput;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.spi.StepOutcome;
import dev.trainer4j.spi.TrainingLossReport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class TfTrainingEngineTest {
    private static final int FEATURES = 4;
    private static final int CLASSES = 3;
    private static final EngineOptions OPTIONS = new EngineOptions(List.of(), -1);

    // ------------------------------------------------------------------------------------------------ helpers

    private static TrainingArguments.Builder args() {
        return TrainingArguments.builder().outputDir("unused").seed(7).maxSteps(10);
    }

    private static TfTrainingEngine engine(TfModel model, TrainingArguments args) {
        return new TfBackend().compile(model, args, OPTIONS);
    }

    private static Batch batch(float[] features, int[] labels) {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put(LinearClassifier.FEATURES, HostTensor.ofFloats(features, labels.length, FEATURES));
        tensors.put(LinearClassifier.LABELS, HostTensor.ofInts(labels, labels.length));
        return new Batch(tensors);
    }

    /** 32 examples, deterministic; labels -100 on an uneven pattern so micro-batches of 8 hold 8, 3, 6 and 1 items. */
    private static Batch data(int firstRow, int rows, long seed) {
        Random random = new Random(seed);
        float[] allFeatures = new float[32 * FEATURES];
        int[] allLabels = new int[32];
        for (int i = 0; i < allFeatures.length; i++) {
            allFeatures[i] = (float) random.nextGaussian();
        }
        int[] itemsPerEight = {8, 3, 6, 1};
        for (int row = 0; row < 32; row++) {
            allLabels[row] = row % 8 < itemsPerEight[row / 8] ? random.nextInt(CLASSES) : -100;
        }
        float[] features = new float[rows * FEATURES];
        int[] labels = new int[rows];
        System.arraycopy(allFeatures, firstRow * FEATURES, features, 0, features.length);
        System.arraycopy(allLabels, firstRow, labels, 0, rows);
        return batch(features, labels);
    }

    private static StepContext context(long step, int micro, int micros, double learningRate) {
        return new StepContext(step, micro, micros, learningRate, 7);
    }

    private static Batch quadraticBatch(float... scales) {
        return new Batch(Map.of("scale", HostTensor.ofFloats(scales, scales.length)));
    }

    // ------------------------------------------------------------------------------------------------ tests

    @Test
    void backendDeclaresItsNameAndCapabilities() {
        TfBackend backend = new TfBackend();
        assertThat(backend.name()).isEqualTo("tensorflow");
        assertThat(backend.capabilities()).containsExactlyInAnyOrder(BackendCapability.TRAINING, BackendCapability.MODEL_EXPORT,
                BackendCapability.MULTI_DEVICE, BackendCapability.MIXED_PRECISION_BF16, BackendCapability.MIXED_PRECISION_FP16,
                BackendCapability.MULTI_WORKER, BackendCapability.GENERATION, BackendCapability.HALF_PRECISION_EVAL);
    }

    @Test
    void variablesHaveStableNamesAndSeededInitialValues() {
        TrainingArguments arguments = args().build();
        try (TfTrainingEngine first = engine(new LinearClassifier(FEATURES, CLASSES, 0, true), arguments);
             TfTrainingEngine second = engine(new LinearClassifier(FEATURES, CLASSES, 0, true), arguments);
             TfTrainingEngine otherSeed = engine(new LinearClassifier(FEATURES, CLASSES, 0, true), args().seed(8).build())) {
            assertThat(first.variables()).extracting(TfVariable::name).containsExactly("classifier/kernel", "classifier/bias");
            float[] kernel = first.readVariables().get("classifier/kernel");
            assertThat(kernel).containsExactly(second.readVariables().get("classifier/kernel"));
            // the model's weights alone (no optimizer slots or engine state), for TensorBoard histograms
            assertThat(first.readModelWeights()).containsOnlyKeys("classifier/kernel", "classifier/bias");
            assertThat(first.readModelWeights().get("classifier/kernel")).containsExactly(kernel);
            assertThat(first.readVariables().keySet()).hasSizeGreaterThan(2);
            assertThat(kernel).isNotEqualTo(otherSeed.readVariables().get("classifier/kernel"));
            double limit = Math.sqrt(6.0 / (FEATURES + CLASSES));
            for (float value : kernel) {
                assertThat(Math.abs(value)).isLessThanOrEqualTo((float) limit);
            }
        }
    }

    @Test
    void sgdMatchesHandComputation() {
        double lr = 0.2;
        TrainingArguments arguments = args().learningRate(lr).weightDecay(0.5).maxGradNorm(0).optim(OptimizerType.SGD).build();
        try (TfTrainingEngine engine = engine(new QuadraticModel(), arguments)) {
            engine.step(quadraticBatch(1f), context(0, 0, 1, lr));
            Map<String, float[]> values = engine.readVariables();
            double[] w = new double[3];
            for (int i = 0; i < 3; i++) {
                double p = QuadraticModel.W0[i];
                w[i] = p - lr * ((p - QuadraticModel.CW[i]) + 0.5 * p);
            }
            double[] b = new double[2];
            for (int i = 0; i < 2; i++) {
                double p = QuadraticModel.B0[i];
                b[i] = p - lr * (p - QuadraticModel.CB[i]);
            }
            assertClose(values.get("w"), w, 1e-6);
            assertClose(values.get("b"), b, 1e-6);
        }
    }

    @Test
    void gradientAccumulationWithUnequalItemCountsEqualsOneBigBatch() {
        TrainingArguments.Builder common = args().learningRate(0.05).weightDecay(0.01).maxGradNorm(0.3);
        double lr = 0.05;
        try (TfTrainingEngine big = engine(new LinearClassifier(FEATURES, CLASSES, 0, true),
                common.gradientAccumulationSteps(1).perDeviceTrainBatchSize(32).build());
             TfTrainingEngine accumulated = engine(new LinearClassifier(FEATURES, CLASSES, 0, true),
                     common.gradientAccumulationSteps(4).perDeviceTrainBatchSize(8).build())) {
            for (int step = 0; step < 3; step++) {
                long dataSeed = 100 + step;
                assertThat(big.step(data(0, 32, dataSeed), context(step, 0, 1, lr)).finite()).isTrue();
                for (int micro = 0; micro < 3; micro++) {
                    accumulated.accumulate(data(micro * 8, 8, dataSeed), context(step, micro, 4, lr));
                }
                assertThat(accumulated.step(data(24, 8, dataSeed), context(step, 3, 4, lr)).finite()).isTrue();
            }
            TrainingLossReport bigLoss = big.readTrainingLoss();
            TrainingLossReport accumulatedLoss = accumulated.readTrainingLoss();
            assertThat(bigLoss.steps()).isEqualTo(3);
            assertThat(accumulatedLoss.steps()).isEqualTo(3);
            assertThat(accumulatedLoss.lossSum()).isCloseTo(bigLoss.lossSum(), within(1e-5));
            assertThat(bigLoss.lastGradNorm()).as("clipping is active").isGreaterThan(0.3);
            assertThat(accumulatedLoss.lastGradNorm()).isCloseTo(bigLoss.lastGradNorm(), within(1e-5));
            Map<String, float[]> expected = big.readVariables();
            Map<String, float[]> actual = accumulated.readVariables();
            for (String name : List.of("classifier/kernel", "classifier/bias")) {
                assertClose(actual.get(name), toDoubles(expected.get(name)), 1e-6);
            }
            // the accumulation buffers were emptied after the window
            assertThat(actual.get("trainer4j/accumulation/classifier/kernel")).containsOnly(0f);
            assertThat(actual.get("trainer4j/accumulation/item_count")).containsExactly(0f);
        }
    }

    @Test
    void trainingLossReportAveragesStepLossesAndResets() {
        try (TfTrainingEngine engine = engine(new LinearClassifier(FEATURES, CLASSES, 0, true), args().learningRate(0).build())) {
            Batch batch = data(0, 16, 3);
            EvalBatchOutput before = engine.evaluate(batch, false);
            engine.step(batch, context(0, 0, 1, 0));
            engine.step(batch, context(1, 0, 1, 0));
            TrainingLossReport report = engine.readTrainingLoss();
            assertThat(before.itemCount()).isEqualTo(11);
            assertThat(report.steps()).isEqualTo(2);
            assertThat(report.lossSum()).isCloseTo(2 * before.lossSum() / before.itemCount(), within(1e-5));
            assertThat(report.lastGradNorm()).as("read before the reset").isPositive();
            TrainingLossReport empty = engine.readTrainingLoss();
            assertThat(empty.steps()).isZero();
            assertThat(empty.lossSum()).isZero();
            assertThat(empty.lastGradNorm()).isNaN();
        }
    }

    @Test
    void nonFiniteStepWritesNothingAndLaterStepsTrain() {
        try (TfTrainingEngine engine = engine(new LinearClassifier(FEATURES, CLASSES, 0, true),
                args().learningRate(0.1).weightDecay(0.1).build())) {
            Batch good = data(0, 16, 5);
            assertThat(engine.step(good, context(0, 0, 1, 0.1))).isEqualTo(StepOutcome.FINITE);
            assertThat(engine.step(good, context(1, 0, 1, 0.1))).isEqualTo(StepOutcome.FINITE);
            engine.readTrainingLoss();
            Map<String, float[]> before = engine.readVariables();
            float[] features = good.get(LinearClassifier.FEATURES).floats().clone();
            features[5] = Float.NaN;
            Batch poisoned = batch(features, good.get(LinearClassifier.LABELS).ints());
            assertThat(engine.step(poisoned, context(2, 0, 1, 0.1))).isEqualTo(StepOutcome.NON_FINITE);
            Map<String, float[]> after = engine.readVariables();
            assertThat(after.keySet()).contains("optimizer/classifier/kernel/m", "optimizer/classifier/kernel/v");
            for (String name : before.keySet()) {
                assertThat(bits(after.get(name))).as(name).containsExactly(bits(before.get(name)));
            }
            assertThat(engine.optimizerStep()).isEqualTo(2);
            TrainingLossReport report = engine.readTrainingLoss();
            assertThat(report.steps()).isZero();
            assertThat(report.lastGradNorm()).isNaN();
            assertThat(engine.step(good, context(2, 0, 1, 0.1))).isEqualTo(StepOutcome.FINITE);
            assertThat(engine.optimizerStep()).isEqualTo(3);
            assertThat(engine.readVariables().get("classifier/kernel")).isNotEqualTo(before.get("classifier/kernel"));
        }
    }

    @Test
    void adamsBiasCorrectionsDoNotWaitForTheFiniteGate() {
        try (TfTrainingEngine engine = engine(new LinearClassifier(FEATURES, CLASSES, 0, true),
                args().learningRate(0.1).weightDecay(0.1).gradientAccumulationSteps(2).build())) {
            List<GraphOperation> gates = new ArrayList<>();
            List<GraphOperation> powers = new ArrayList<>();
            List<GraphOperation> updates = new ArrayList<>();
            engine.graph().operations().forEachRemaining(operation -> {
                GraphOperation op = (GraphOperation) operation;
                if (op.name().endsWith("finite_gate")) {
                    gates.add(op);
                }
                else if (op.type().equals("Pow")) {
                    powers.add(op);
                }
                else if (op.type().equals("ApplyAdam")) {
                    updates.add(op);
                }
            });
            assertThat(gates).as("one gate per update path (step, step_accumulated)").hasSize(2);
            assertThat(powers).as("beta1^t and beta2^t per update path").hasSize(4);
            for (GraphOperation power : powers) {
                assertThat(engine.graph().subgraphToOps(Set.of(power))).as(power.name())
                        .doesNotContainAnyElementsOf(gates);
            }
            assertThat(updates).hasSize(4);
            for (GraphOperation update : updates) {
                assertThat(engine.graph().subgraphToOps(Set.of(update))).as(update.name())
                        .containsAnyElementsOf(gates);
            }
        }
    }

    @Test
    void badBatchesGetOneClearMessage() {
        try (TfTrainingEngine engine = engine(new LinearClassifier(FEATURES, CLASSES, 0, true), args().build())) {
            Batch missing = new Batch(Map.of(LinearClassifier.FEATURES, HostTensor.ofFloats(new float[8], 2, FEATURES),
                    "other", HostTensor.ofInts(new int[2], 2)));
            assertThatThrownBy(() -> engine.step(missing, context(0, 0, 1, 0.1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no input 'labels'").hasMessageContaining("INT32[-1]")
                    .hasMessageContaining("features").hasMessageContaining("other");
            Batch wrongType = new Batch(Map.of(LinearClassifier.FEATURES, HostTensor.ofDoubles(new double[8], 2, FEATURES),
                    LinearClassifier.LABELS, HostTensor.ofInts(new int[2], 2)));
            assertThatThrownBy(() -> engine.evaluate(wrongType, true))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("input 'features'").hasMessageContaining("FLOAT32[-1, 4]")
                    .hasMessageContaining("FLOAT64[2, 4]");
            Batch wrongWidth = new Batch(Map.of(LinearClassifier.FEATURES, HostTensor.ofFloats(new float[10], 2, 5),
                    LinearClassifier.LABELS, HostTensor.ofInts(new int[2], 2)));
            assertThatThrownBy(() -> engine.step(wrongWidth, context(0, 0, 1, 0.1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("input 'features'").hasMessageContaining("FLOAT32[-1, 4]")
                    .hasMessageContaining("FLOAT32[2, 5]");
            assertThatThrownBy(() -> engine.accumulate(data(0, 8, 1), context(0, 0, 2, 0.1)))
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("gradient-accumulation-steps");
        }
    }

    @Test
    void labelsWithoutALossAreAClearError() {
        try (TfTrainingEngine engine = engine(new LinearClassifier(FEATURES, CLASSES, 0, false), args().build())) {
            assertThatThrownBy(() -> engine.step(data(0, 8, 1), context(0, 0, 1, 0.1)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("returned no loss").hasMessageContaining("labels");
            assertThatThrownBy(() -> engine.evaluate(data(0, 8, 1), true))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("returned no loss");
            Batch unlabelled = new Batch(Map.of(LinearClassifier.FEATURES, HostTensor.ofFloats(new float[8], 2, FEATURES)));
            EvalBatchOutput output = engine.evaluate(unlabelled, true);
            assertThat(output.hasLoss()).isFalse();
            assertThat(output.predictions().get("logits").shape()).containsExactly(2, CLASSES);
        }
    }

    @Test
    void evaluationReturnsLossAndLogitsOfTheCurrentWeights() {
        try (TfTrainingEngine engine = engine(new LinearClassifier(FEATURES, CLASSES, 0, true), args().build())) {
            Batch batch = data(8, 8, 11);
            EvalBatchOutput output = engine.evaluate(batch, true);
            Map<String, float[]> values = engine.readVariables();
            float[] kernel = values.get("classifier/kernel");
            float[] bias = values.get("classifier/bias");
            float[] x = batch.get(LinearClassifier.FEATURES).floats();
            int[] labels = batch.get(LinearClassifier.LABELS).ints();
            HostTensor logits = output.predictions().get("logits");
            assertThat(logits.shape()).containsExactly(8, CLASSES);
            double lossSum = 0;
            int items = 0;
            for (int row = 0; row < 8; row++) {
                double[] rowLogits = new double[CLASSES];
                for (int c = 0; c < CLASSES; c++) {
                    double value = bias[c];
                    for (int f = 0; f < FEATURES; f++) {
                        value += x[row * FEATURES + f] * kernel[f * CLASSES + c];
                    }
                    rowLogits[c] = value;
                    assertThat(logits.floats()[row * CLASSES + c]).isCloseTo((float) value, within(1e-5f));
                }
                if (labels[row] != -100) {
                    double max = Math.max(rowLogits[0], Math.max(rowLogits[1], rowLogits[2]));
                    double sum = 0;
                    for (double value : rowLogits) {
                        sum += Math.exp(value - max);
                    }
                    lossSum += Math.log(sum) + max - rowLogits[labels[row]];
                    items++;
                }
            }
            assertThat(output.hasLoss()).isTrue();
            assertThat(output.itemCount()).isEqualTo(items).isEqualTo(3);
            assertThat(output.lossSum()).isCloseTo(lossSum, within(1e-5));
            assertThat(engine.evaluate(batch, false).predictions()).isEmpty();
        }
    }

    @Test
    void fullCheckpointRestoresIntoAFreshEngine(@TempDir Path directory) {
        TrainingArguments arguments = args().learningRate(0.1).build();
        Batch batch = data(0, 16, 21);
        try (TfTrainingEngine original = engine(new LinearClassifier(FEATURES, CLASSES, 0, true), arguments)) {
            original.step(batch, context(0, 0, 1, 0.1));
            original.step(batch, context(1, 0, 1, 0.1));
            original.save(directory, CheckpointScope.FULL);
            assertThat(directory.resolve("variables.index")).exists();
            try (TfTrainingEngine resumed = engine(new LinearClassifier(FEATURES, CLASSES, 0, true), args().seed(99).build())) {
                resumed.restore(directory, CheckpointScope.FULL);
                Map<String, float[]> expected = original.readVariables();
                Map<String, float[]> actual = resumed.readVariables();
                for (String name : expected.keySet()) {
                    assertThat(bits(actual.get(name))).as(name).containsExactly(bits(expected.get(name)));
                }
                assertThat(resumed.optimizerStep()).isEqualTo(2);
                original.step(batch, context(2, 0, 1, 0.1));
                resumed.step(batch, context(2, 0, 1, 0.1));
                TrainingLossReport originalLoss = original.readTrainingLoss();
                TrainingLossReport resumedLoss = resumed.readTrainingLoss();
                assertThat(resumedLoss.steps()).isEqualTo(3);
                assertThat(resumedLoss.lossSum()).isEqualTo(originalLoss.lossSum());
                assertThat(bits(resumed.readVariables().get("classifier/kernel")))
                        .containsExactly(bits(original.readVariables().get("classifier/kernel")));
            }
        }
    }

    @Test
    void modelCheckpointAndResetOptimizer(@TempDir Path directory) throws Exception {
        try (TfTrainingEngine engine = engine(new LinearClassifier(FEATURES, CLASSES, 0, true), args().learningRate(0.1).build())) {
            engine.step(data(0, 8, 1), context(0, 0, 1, 0.1));
            Path modelDirectory = Files.createDirectory(directory.resolve("model"));
            engine.save(modelDirectory, CheckpointScope.MODEL);
            float[] saved = engine.readVariables().get("classifier/kernel");
            engine.step(data(0, 8, 1), context(1, 0, 1, 0.1));
            engine.resetOptimizer();
            assertThat(engine.optimizerStep()).isZero();
            assertThat(engine.readVariables().get("optimizer/classifier/kernel/m")).containsOnly(0f);
            engine.restore(modelDirectory, CheckpointScope.MODEL);
            assertThat(engine.readVariables().get("classifier/kernel")).containsExactly(saved);
            assertThatThrownBy(() -> engine.restore(modelDirectory, CheckpointScope.FULL))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("variables.index");
            Path empty = Files.createDirectory(directory.resolve("empty"));
            assertThatThrownBy(() -> engine.restore(empty, CheckpointScope.MODEL))
                    .isInstanceOf(CheckpointException.class)
                    .hasMessageContaining(empty.resolve("variables.index").toString()).hasMessageContaining("does not exist");
        }
    }

    @Test
    void dropoutIsReproducibleAcrossFreshEnginesAndThreadSettings() {
        double[] reference = dropoutRun(args().intraOpThreads(1).interOpThreads(-1).build());
        assertThat(dropoutRun(args().intraOpThreads(1).interOpThreads(-1).build())).containsExactly(reference);
        assertThat(dropoutRun(args().intraOpThreads(1).interOpThreads(2).build())).containsExactly(reference);
    }

    private static double[] dropoutRun(TrainingArguments arguments) {
        try (TfTrainingEngine engine = engine(new LinearClassifier(FEATURES, CLASSES, 0.5, true), arguments)) {
            Batch batch = data(0, 32, 9);
            double evalLoss = engine.evaluate(batch, false).lossSum() / 19;
            double[] losses = new double[4];
            for (int step = 0; step < 4; step++) {
                engine.step(batch, context(step, 0, 1, 0));
                losses[step] = engine.readTrainingLoss().lossSum();
            }
            assertThat(losses[0]).as("dropout is active in training").isNotCloseTo(evalLoss, within(1e-4));
            assertThat(losses[1]).as("a new step draws a new mask").isNotEqualTo(losses[0]);
            return losses;
        }
    }

    @Test
    void hooksShapeTheGraph() {
        TfTrainerHooks doubled = new TfTrainerHooks() {
            @Override
            @SuppressWarnings("unchecked")
            public ModelOutput<Operand<?>> computeLoss(ModelOutput<Operand<?>> outputs, Map<String, Operand<?>> inputs, Ops tf) {
                Operand<org.tensorflow.types.TFloat32> sum = (Operand<org.tensorflow.types.TFloat32>) outputs.lossSum().orElseThrow();
                return outputs.withLoss(tf.math.mul(sum, tf.constant(2f)), outputs.itemCount().orElseThrow());
            }

            @Override
            @SuppressWarnings("unchecked")
            public Map<String, Operand<?>> predictionStep(ModelOutput<Operand<?>> outputs, Map<String, Operand<?>> inputs, Ops tf) {
                return Map.of("predicted", tf.math.argMax((Operand<org.tensorflow.types.TFloat32>) outputs.get("logits"),
                        tf.constant(1), org.tensorflow.types.TInt32.class));
            }
        };
        Batch batch = data(0, 8, 4);
        TrainingArguments arguments = args().build();
        try (TfTrainingEngine plain = engine(new LinearClassifier(FEATURES, CLASSES, 0, true), arguments);
             TfTrainingEngine hooked = new TfBackend(doubled).compile(new LinearClassifier(FEATURES, CLASSES, 0, true),
                     arguments, OPTIONS)) {
            EvalBatchOutput plainOutput = plain.evaluate(batch, true);
            EvalBatchOutput hookedOutput = hooked.evaluate(batch, true);
            assertThat(hookedOutput.lossSum()).isCloseTo(2 * plainOutput.lossSum(), within(1e-5));
            HostTensor predicted = hookedOutput.predictions().get("predicted");
            float[] logits = plainOutput.predictions().get("logits").floats();
            for (int row = 0; row < 8; row++) {
                int best = 0;
                for (int c = 1; c < CLASSES; c++) {
                    if (logits[row * CLASSES + c] > logits[row * CLASSES + best]) {
                        best = c;
                    }
                }
                assertThat(predicted.ints()[row]).isEqualTo(best);
            }
        }
    }

    @Test
    void threadsAreChosenByModelSizeUnlessGiven() {
        try (TfTrainingEngine small = engine(new LinearClassifier(FEATURES, CLASSES, 0, true), args().build());
             TfTrainingEngine explicit = engine(new LinearClassifier(FEATURES, CLASSES, 0, true),
                     args().intraOpThreads(2).interOpThreads(3).build())) {
            assertThat(small.threadSettings().intraOp()).isEqualTo(1);
            assertThat(small.threadSettings().interOp()).isEqualTo(-1);
            assertThat(small.threadSettings().towers()).as("rows not declared independent").isEqualTo(1);
            assertThat(explicit.threadSettings().intraOp()).isEqualTo(2);
            assertThat(explicit.threadSettings().interOp()).isEqualTo(3);
        }
        // 100M parameters: a gradient copy per extra tower would take 400 MB, so one tower with every core
        var large = dev.trainer4j.tf.internal.TfThreadSettings.choose(args().perDeviceTrainBatchSize(256).build(),
                dev.trainer4j.tf.internal.TfStepCost.ofParameters(100_000_000, 256), 8, null);
        assertThat(large.intraOp()).isEqualTo(8);
        assertThat(large.interOp()).isEqualTo(1);
        assertThat(large.towers()).isEqualTo(1);
    }

    @Test
    void aModelOfAnotherBackendIsRefused() {
        dev.trainer4j.api.Model plain = new dev.trainer4j.api.Model() {
            @Override
            public String name() {
                return "foreign";
            }

            @Override
            public List<dev.trainer4j.api.InputSpec> inputs() {
                return List.of();
            }
        };
        assertThatThrownBy(() -> new TfBackend().compile(plain, args().build(), OPTIONS))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("foreign").hasMessageContaining("TfModel");
    }

    // ------------------------------------------------------------------------------------------------ utilities

    private static double[] toDoubles(float[] values) {
        double[] result = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = values[i];
        }
        return result;
    }

    private static int[] bits(float[] values) {
        int[] result = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = Float.floatToRawIntBits(values[i]);
        }
        return result;
    }

    private static void assertClose(float[] actual, double[] expected, double tolerance) {
        assertThat(actual).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat((double) actual[i]).as("element " + i).isCloseTo(expected[i], within(tolerance));
        }
    }
}
