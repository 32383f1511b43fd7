package dev.trainer4j.tf;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.EvalBatchOutput;
import dev.trainer4j.tf.DeviceTestSupport.Digits;
import dev.trainer4j.tf.nn.TfInitializers;
import dev.trainer4j.tf.nn.TfModelScope;
import dev.trainer4j.tf.nn.VariableRole;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.types.TFloat32;

import java.util.List;
import java.util.Map;

import static dev.trainer4j.tf.DeviceTestSupport.digits;
import static dev.trainer4j.tf.DeviceTestSupport.digitsMlp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code bf16-full-eval} / {@code fp16-full-eval}: the whole model in half precision for evaluation and prediction. */
class TfHalfPrecisionEvalTest {
    private static final Digits TRAIN = digits("train-640.jsonl");
    private static final Digits VALIDATION = digits("validation.jsonl");
    /** bfloat16 keeps 8 significant bits: a rounding changes a value by at most 2^-8 of it (round to nearest). */
    private static final double BF16_UNIT_ROUNDOFF = Math.pow(2, -8);
    /** float16 keeps 11 significant bits: 2^-11. */
    private static final double FP16_UNIT_ROUNDOFF = Math.pow(2, -11);

    private static TrainingArguments.Builder args() {
        return TrainingArguments.builder().outputDir("unused").seed(3).maxSteps(200).learningRate(3e-3)
                .optim("adamw").weightDecay(0.01).perDeviceTrainBatchSize(32).intraOpThreads(1);
    }

    /** What one run gave: the trained weights, the validation logits, loss and accuracy, and the graph's nodes. */
    private record Evaluated(Map<String, float[]> weights, float[] logits, double loss, double accuracy,
                             List<NodeDef> nodes) {
    }

    /** Trains 4 epochs of the 640 digits (80 steps, training as always) and evaluates the validation set. */
    private static Evaluated trainAndEvaluate(TrainingArguments args) {
        try (TfTrainingEngine engine = new TfBackend().compile(digitsMlp(), args, DeviceTestSupport.OPTIONS)) {
            EvalBatchOutput output = DeviceTestSupport.trainFourEpochsAndEvaluate(engine, args, TRAIN, VALIDATION);
            float[] logits = output.predictions().get("logits").floats();
            return new Evaluated(engine.readModelWeights(), logits, output.lossSum() / output.itemCount(),
                    DeviceTestSupport.accuracyPercent(logits, VALIDATION), engine.graph().toGraphDef().getNodeList());
        }
    }

    @Test
    void fullEvalGivesLogitsWithinTheHalfPrecisionBoundAndTheAccuracyWithinOneAndAHalfPoints() {
        Evaluated fp32 = trainAndEvaluate(args().build());
        Evaluated bf16 = trainAndEvaluate(args().bf16FullEval(true).build());
        Evaluated fp16 = trainAndEvaluate(args().fp16FullEval(true).build());
        System.out.printf("digits validation after 80 steps: fp32 accuracy %.2f loss %.5f; bf16-full-eval accuracy %.2f"
                + " loss %.5f; fp16-full-eval accuracy %.2f loss %.5f%n", fp32.accuracy(), fp32.loss(), bf16.accuracy(),
                bf16.loss(), fp16.accuracy(), fp16.loss());
        assertWithinBound(fp32, bf16, BF16_UNIT_ROUNDOFF, DataType.DT_BFLOAT16);
        assertWithinBound(fp32, fp16, FP16_UNIT_ROUNDOFF, DataType.DT_HALF);
    }

    private static void assertWithinBound(Evaluated fp32, Evaluated bf16, double unitRoundoff, DataType half) {

        // training is float32 in both runs: the same weights, bit for bit
        assertThat(DeviceTestSupport.maxAbsoluteDifference(fp32.weights(), bf16.weights())).isZero();
        // each logit within the first-order bound of bfloat16 rounding, derived from the weights and inputs below
        double largest = 0;
        for (int row = 0; row < VALIDATION.size(); row++) {
            double[] bound = logitBounds(fp32.weights(), VALIDATION.features()[row], unitRoundoff);
            for (int c = 0; c < 10; c++) {
                double difference = Math.abs(bf16.logits()[row * 10 + c] - fp32.logits()[row * 10 + c]);
                assertThat(difference).as("row %d class %d", row, c).isLessThanOrEqualTo(bound[c]);
                largest = Math.max(largest, difference);
            }
        }
        assertThat(largest).as("the logits were computed in %s, not float32", half).isGreaterThan(0);
        assertThat(fp32.accuracy()).isGreaterThan(80);
        assertThat(bf16.accuracy()).isCloseTo(fp32.accuracy(), Offset.offset(1.5));
        assertThat(bf16.loss()).isCloseTo(fp32.loss(), Offset.offset(0.05 * fp32.loss()));

        // the evaluation pass's ops are half: the matrix products, the bias adds and the cross-entropy
        List<NodeDef> eval = bf16.nodes().stream().filter(node -> node.getName().startsWith("replica_0/forward_eval/"))
                .toList();
        for (String op : List.of("MatMul", "BiasAdd", "Relu", "SoftmaxCrossEntropyWithLogits")) {
            List<NodeDef> typed = eval.stream().filter(node -> node.getOp().equals(op)).toList();
            assertThat(typed).as("%s ops of the evaluation pass", op).isNotEmpty();
            assertThat(typed).allSatisfy(node -> assertThat(node.getAttrOrThrow("T").getType()).as(node.getName())
                    .isEqualTo(half));
        }
        // the training pass stays float32
        assertThat(bf16.nodes().stream().filter(node -> node.getName().startsWith("replica_0/forward_train/")
                && node.getOp().equals("MatMul"))).isNotEmpty()
                .allSatisfy(node -> assertThat(node.getAttrOrThrow("T").getType()).isEqualTo(DataType.DT_FLOAT));
    }

    /**
     * The bound on |bf16 logit - fp32 logit| of one row, to first order in the unit roundoff u: a layer rounds its
     * inputs and weights (a product changes by at most 2u of it), its product's and bias add's results and the bias
     * (u each), so a pre-activation changes by at most 4u (sum |x w| + |b|), plus the change of its inputs carried
     * through |w|; ReLU does not increase a change.
     */
    private static double[] logitBounds(Map<String, float[]> weights, float[] x, double u) {
        float[] kernel0 = weights.get("mlp/dense_0/kernel");
        float[] bias0 = weights.get("mlp/dense_0/bias");
        float[] kernel1 = weights.get("mlp/classifier/kernel");
        float[] bias1 = weights.get("mlp/classifier/bias");
        int hidden = bias0.length;
        double[] h = new double[hidden];
        double[] hiddenError = new double[hidden];
        for (int j = 0; j < hidden; j++) {
            double z = bias0[j];
            double magnitude = Math.abs(bias0[j]);
            for (int k = 0; k < x.length; k++) {
                z += x[k] * kernel0[k * hidden + j];
                magnitude += Math.abs(x[k] * kernel0[k * hidden + j]);
            }
            h[j] = Math.max(0, z);
            hiddenError[j] = 4 * u * magnitude;
        }
        double[] bounds = new double[bias1.length];
        for (int c = 0; c < bias1.length; c++) {
            double magnitude = Math.abs(bias1[c]);
            double carried = 0;
            for (int j = 0; j < hidden; j++) {
                magnitude += Math.abs(h[j] * kernel1[j * bias1.length + c]);
                carried += hiddenError[j] * Math.abs(kernel1[j * bias1.length + c]) * (1 + 2 * u);
            }
            bounds[c] = 4 * u * magnitude + carried;
        }
        return bounds;
    }

    @Test
    void bf16FullEvalRunsTheTransformerClassifierInBfloat16() {
        Batch batch = DeviceTestSupport.textBatch(24, 5);
        TrainingArguments.Builder text = DeviceTestSupport.args("adamw", 1e-3, 1, 24);
        EvalBatchOutput fp32;
        try (TfTrainingEngine engine = new TfBackend().compile(DeviceTestSupport.textModel(), text.build(),
                DeviceTestSupport.OPTIONS)) {
            fp32 = engine.evaluate(batch, true);
        }
        try (TfTrainingEngine engine = new TfBackend().compile(DeviceTestSupport.textModel(),
                text.bf16FullEval(true).build(), DeviceTestSupport.OPTIONS)) {
            EvalBatchOutput bf16 = engine.evaluate(batch, true);
            // a smoke check of the untrained model (no bound derived here, the digits MLP has one): the loss and
            // logits move by a few bfloat16 roundings, not more
            double fp32Loss = fp32.lossSum() / fp32.itemCount();
            double bf16Loss = bf16.lossSum() / bf16.itemCount();
            System.out.printf("text transformer mean eval loss: fp32 %.6f, bf16-full-eval %.6f%n", fp32Loss, bf16Loss);
            assertThat(bf16.itemCount()).isEqualTo(fp32.itemCount());
            assertThat(bf16Loss).isNotEqualTo(fp32Loss).isCloseTo(fp32Loss, Offset.offset(16 * BF16_UNIT_ROUNDOFF * fp32Loss));
            float[] halfLogits = bf16.predictions().get("logits").floats();
            float[] logits = fp32.predictions().get("logits").floats();
            for (int i = 0; i < logits.length; i++) {
                assertThat(halfLogits[i]).as("logit %d", i).isCloseTo(logits[i], Offset.offset(0.1f));
            }
            List<NodeDef> products = engine.graph().toGraphDef().getNodeList().stream()
                    // the unsplit pass, or the first tower's when evaluation runs on the training towers
                    .filter(node -> node.getName().matches("replica_0/forward_eval(_towers)?/.*")
                            && node.getOp().contains("MatMul"))
                    .toList();
            assertThat(products).hasSizeGreaterThan(3).allSatisfy(node -> assertThat(node.getAttrOrThrow("T").getType())
                    .as(node.getName()).isEqualTo(DataType.DT_BFLOAT16));
        }
    }

    /**
     * A model with an inverse error function (Erfinv: float32 and float64 kernels only on CPUs) of a frozen weight's
     * product, so training needs no gradient of it.
     */
    private static final class ErfinvModel implements TfModel {
        @Override
        public String name() {
            return "erfinv-model";
        }

        @Override
        public List<InputSpec> inputs() {
            return List.of(InputSpec.feature("features", dev.trainer4j.api.DataType.FLOAT32, -1, 4),
                    InputSpec.label("labels", dev.trainer4j.api.DataType.INT32, -1));
        }

        @Override
        public List<String> frozenVariables() {
            return List.of("layer/frozen");
        }

        @Override
        @SuppressWarnings("unchecked")
        public ModelOutput<Operand<?>> build(TfModelScope scope, Map<String, Operand<?>> inputs) {
            TfModelScope layer = scope.child("layer");
            Ops tf = layer.tf();
            Operand<TFloat32> x = (Operand<TFloat32>) inputs.get("features");
            Operand<TFloat32> kernel = layer.variable("kernel", Shape.of(4, 4), TfInitializers.glorotUniform(),
                    VariableRole.WEIGHT);
            Operand<TFloat32> frozen = layer.variable("frozen", Shape.of(4, 4), TfInitializers.glorotUniform(),
                    VariableRole.WEIGHT);
            Operand<TFloat32> logits = tf.math.add(tf.linalg.matMul(x, kernel),
                    tf.math.erfinv(tf.math.mul(tf.linalg.matMul(x, frozen), tf.constant(0.01f))));
            if (!inputs.containsKey("labels")) {
                return ModelOutput.of(Map.of("logits", logits));
            }
            Operand<TFloat32> lossSum = tf.reduceSum(tf.math.square(logits), tf.constant(new int[] {0, 1}));
            Operand<TFloat32> items = tf.dtypes.cast(tf.size(inputs.get("labels")), TFloat32.class);
            return ModelOutput.withLoss(lossSum, items, Map.of("logits", logits));
        }
    }

    @Test
    void aModelWithAnOpThatHasNoHalfKernelHereIsOneClearErrorBeforeAnythingRuns() {
        for (String key : List.of("bf16-full-eval", "fp16-full-eval")) {
            TrainingArguments halfEval = args().set(key.equals("bf16-full-eval") ? TrainingArguments.BF16_FULL_EVAL
                    : TrainingArguments.FP16_FULL_EVAL, true).build();
            assertThatThrownBy(() -> new TfBackend().compile(new ErfinvModel(), halfEval, DeviceTestSupport.OPTIONS).close())
                    .isInstanceOf(ConfigurationException.class)
                    .hasFieldOrPropertyWithValue("key", key)
                    .hasMessageContaining("model 'erfinv-model'")
                    .hasMessageContaining("its ops [Erfinv] have no "
                            + (key.startsWith("bf16") ? "bfloat16" : "float16") + " kernel on the CPU here");
        }
        // float32 evaluation of the same model compiles
        new TfBackend().compile(new ErfinvModel(), args().build(), DeviceTestSupport.OPTIONS).close();
    }

    @Test
    void withReplicasOnTwoDevicesEachReplicasEvaluationIsConvertedOnItsDevice() {
        Batch batch = VALIDATION.batch(0, 64);
        EvalBatchOutput one;
        try (TfTrainingEngine engine = new TfBackend().compile(digitsMlp(), args().bf16FullEval(true).build(),
                DeviceTestSupport.OPTIONS)) {
            one = engine.evaluate(batch, true);
        }
        try (TfTrainingEngine engine = new TfBackend().compile(digitsMlp(), args().bf16FullEval(true).devices(2)
                .perDeviceTrainBatchSize(16).build(), DeviceTestSupport.OPTIONS)) {
            EvalBatchOutput two = engine.evaluate(batch, true);
            // the same rows in bfloat16; the replicas' loss sums are added in float32, one device sums in bfloat16
            assertThat(two.itemCount()).isEqualTo(one.itemCount());
            assertThat(two.lossSum()).isCloseTo(one.lossSum(), Offset.offset(4 * BF16_UNIT_ROUNDOFF * one.lossSum()));
            for (int replica = 0; replica < 2; replica++) {
                String prefix = "replica_" + replica + "/forward_eval/";
                String device = "/device:CPU:" + replica;
                List<NodeDef> products = engine.graph().toGraphDef().getNodeList().stream()
                        .filter(node -> node.getName().startsWith(prefix) && node.getOp().equals("MatMul")).toList();
                assertThat(products).as("MatMuls of %s", prefix).hasSize(2).allSatisfy(node -> {
                    assertThat(node.getAttrOrThrow("T").getType()).isEqualTo(DataType.DT_BFLOAT16);
                    assertThat(node.getDevice()).isEqualTo(device);
                });
            }
        }
    }

    @Test
    void fullEvalCombinesWithMixedPrecisionTraining() {
        Evaluated bf16 = trainAndEvaluate(args().bf16(true).bf16FullEval(true).build());
        Evaluated fp16 = trainAndEvaluate(args().fp16(true).fp16FullEval(true).build());
        System.out.printf("digits validation after 80 mixed-precision steps, half-precision evaluation: bf16 %.2f, fp16"
                + " %.2f%n", bf16.accuracy(), fp16.accuracy());

        // the mixed-precision runs' own accuracy (TfMixedPrecisionTest) is within 1.5 points of float32's 89.14
        assertThat(bf16.accuracy()).isGreaterThan(85);
        assertThat(fp16.accuracy()).isGreaterThan(85);
        assertThat(bf16.loss()).isFinite();
        assertThat(fp16.loss()).isFinite();
    }

    @Test
    void bothFullEvalPrecisionsAtOnceIsOneClearError() {
        assertThatThrownBy(() -> args().bf16FullEval(true).fp16FullEval(true).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("bf16-full-eval and fp16-full-eval are both true");
    }
}
