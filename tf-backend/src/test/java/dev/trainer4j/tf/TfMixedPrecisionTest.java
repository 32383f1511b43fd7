package dev.trainer4j.tf;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.EvalBatchOutput;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.tf.DeviceTestSupport.Digits;
import org.junit.jupiter.api.Test;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;

import java.util.ArrayList;
import java.util.List;

import static dev.trainer4j.tf.DeviceTestSupport.digits;
import static dev.trainer4j.tf.DeviceTestSupport.digitsMlp;
import static org.assertj.core.api.Assertions.assertThat;

/** bf16 and fp16 mixed precision: half-precision matmuls, float32 master weights, fp16's dynamic loss scale. */
class TfMixedPrecisionTest {
    private static final Digits TRAIN = digits("train-640.jsonl");
    private static final Digits VALIDATION = digits("validation.jsonl");

    private static TrainingArguments.Builder args() {
        return TrainingArguments.builder().outputDir("unused").seed(3).maxSteps(200).learningRate(3e-3)
                .optim("adamw").weightDecay(0.01).perDeviceTrainBatchSize(32).intraOpThreads(1);
    }

    /** Trains 4 epochs of the 640 digits (80 steps) and returns the validation accuracy in percent. */
    private static double accuracy(TrainingArguments args) {
        try (TfTrainingEngine engine = new TfBackend().compile(digitsMlp(), args, DeviceTestSupport.OPTIONS)) {
            EvalBatchOutput output = DeviceTestSupport.trainFourEpochsAndEvaluate(engine, args, TRAIN, VALIDATION);
            float[] logits = output.predictions().get("logits").floats();
            return DeviceTestSupport.accuracyPercent(logits, VALIDATION);
        }
    }

    @Test
    void bf16AndFp16ConvergeOnDigitsWithinOneAndAHalfPointsOfFloat32() {
        double fp32 = accuracy(args().build());
        double bf16 = accuracy(args().bf16(true).build());
        double fp16 = accuracy(args().fp16(true).build());
        System.out.printf("digits validation accuracy after 80 steps: fp32 %.2f, bf16 %.2f, fp16 %.2f%n", fp32, bf16, fp16);

        assertThat(fp32).isGreaterThan(80);
        assertThat(bf16).isCloseTo(fp32, org.assertj.core.data.Offset.offset(1.5));
        assertThat(fp16).isCloseTo(fp32, org.assertj.core.data.Offset.offset(1.5));
    }

    /** The graphs TensorFlow ran: bf16 matmuls in the forward and backward pass, float32 variables and Apply ops. */
    @Test
    void bf16RunsTheMatMulsInBfloat16AndKeepsFloat32MasterWeights() {
        try (TfTrainingEngine engine = new TfBackend().compile(digitsMlp(), args().bf16(true).build(),
                DeviceTestSupport.OPTIONS)) {
            List<NodeDef> nodes = new ArrayList<>();
            for (GraphDef graph : engine.traceStepGraphs(TRAIN.batch(0, 32), new StepContext(0, 0, 1, 3e-3, 3))) {
                nodes.addAll(graph.getNodeList());
            }
            List<NodeDef> matmuls = nodes.stream().filter(node -> node.getOp().contains("MatMul")).toList();
            assertThat(matmuls).isNotEmpty();
            assertThat(matmuls).allSatisfy(node -> assertThat(node.getAttrOrThrow("T").getType())
                    .as("type of %s (%s)", node.getName(), node.getOp()).isEqualTo(DataType.DT_BFLOAT16));
            List<NodeDef> variables = nodes.stream().filter(node -> node.getOp().equals("VariableV2")).toList();
            assertThat(variables).isNotEmpty();
            assertThat(variables).allSatisfy(node -> assertThat(node.getAttrOrThrow("dtype").getType())
                    .isIn(DataType.DT_FLOAT, DataType.DT_INT64, DataType.DT_DOUBLE));
            assertThat(nodes.stream().filter(node -> node.getOp().startsWith("Apply"))).allSatisfy(node ->
                    assertThat(node.getAttrOrThrow("T").getType()).isEqualTo(DataType.DT_FLOAT));
        }
    }

    private static Batch withInfinity(Batch batch) {
        float[] features = batch.get("features").floats().clone();
        features[5] = Float.POSITIVE_INFINITY;
        java.util.Map<String, dev.trainer4j.api.HostTensor> tensors = new java.util.LinkedHashMap<>();
        tensors.put("features", dev.trainer4j.api.HostTensor.ofFloats(features, batch.get("features").shape()));
        tensors.put("labels", batch.get("labels"));
        return new Batch(tensors);
    }

    /**
     * fp16's dynamic loss scale: an injected inf is skipped (nothing written) and halves the scale; a scale so large
     * that the backward pass overflows float16 is halved too while the loss stays finite; two finite steps in a row
     * (loss-scale-window 2) double it; and a checkpoint holds it.
     */
    @Test
    void fp16SkipsNonFiniteStepsHalvingTheScaleGrowsItAfterTheWindowAndCheckpointsIt(@org.junit.jupiter.api.io.TempDir
                                                                                     java.nio.file.Path directory) {
        TrainingArguments fp16 = args().fp16(true).lossScaleWindow(2).build();
        try (TfTrainingEngine engine = new TfBackend().compile(digitsMlp(), fp16, DeviceTestSupport.OPTIONS)) {
            assertThat(engine.lossScale()).isEqualTo(65536.0);
            java.util.Map<String, float[]> before = engine.readModelWeights();

            boolean finite = engine.step(withInfinity(TRAIN.batch(0, 32)), new StepContext(0, 0, 1, 3e-3, 3)).finite();
            assertThat(finite).isFalse();
            assertThat(engine.lossScale()).isEqualTo(32768.0);
            assertThat(engine.optimizerStep()).isZero();
            assertThat(DeviceTestSupport.maxAbsoluteDifference(before, engine.readModelWeights())).isZero();

            assertThat(engine.step(TRAIN.batch(0, 32), new StepContext(0, 0, 1, 3e-3, 3)).finite()).isTrue();
            assertThat(engine.lossScale()).isEqualTo(32768.0);
            assertThat(engine.step(TRAIN.batch(32, 64), new StepContext(1, 0, 1, 3e-3, 3)).finite()).isTrue();
            assertThat(engine.lossScale()).isEqualTo(65536.0);
            assertThat(engine.optimizerStep()).isEqualTo(2);
            assertThat(engine.step(withInfinity(TRAIN.batch(64, 96)), new StepContext(2, 0, 1, 3e-3, 3)).finite()).isFalse();
            assertThat(engine.lossScale()).isEqualTo(32768.0);
            engine.save(directory, dev.trainer4j.spi.CheckpointScope.FULL);
        }
        try (TfTrainingEngine resumed = new TfBackend().compile(digitsMlp(), fp16, DeviceTestSupport.OPTIONS)) {
            resumed.restore(directory, dev.trainer4j.spi.CheckpointScope.FULL);
            assertThat(resumed.lossScale()).isEqualTo(32768.0);
            assertThat(resumed.optimizerStep()).isEqualTo(2);
        }
        // 1e38 x the loss is finite in float32, but its gradient is not in float16: the step is skipped, the loss is
        // finite (the outcome reports the loss; a gradient overflow is the scaler's business, as in HF)
        try (TfTrainingEngine engine = new TfBackend().compile(digitsMlp(), args().fp16(true).lossScaleInitial(1e38)
                .build(), DeviceTestSupport.OPTIONS)) {
            assertThat(engine.step(TRAIN.batch(0, 32), new StepContext(0, 0, 1, 3e-3, 3)).finite()).isTrue();
            assertThat(engine.optimizerStep()).isZero();
            assertThat(engine.lossScale()).isCloseTo(5e37, org.assertj.core.data.Percentage.withPercentage(1e-4));
        }
    }

    /** A model none of whose ops mixed precision rewrites would train in float32: one clear error before training. */
    @Test
    void bf16ForAModelWithoutAnOpThatRunsInBfloat16IsOneClearErrorBeforeTraining() {
        TrainingArguments bf16 = TrainingArguments.builder().outputDir("unused").maxSteps(1).learningRate(0.1)
                .perDeviceTrainBatchSize(4).bf16(true).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new TfBackend().compile(new QuadraticModel(), bf16, DeviceTestSupport.OPTIONS).close())
                .isInstanceOf(dev.trainer4j.api.ConfigurationException.class)
                .hasMessageStartingWith("bf16")
                .hasMessageContaining("bf16 = true but model 'quadratic' has no op that runs in bfloat16 on the CPU here")
                .hasMessageContaining("set bf16 = false");
    }

    /**
     * fp16 on a CPU runs TensorFlow's float16 emulation pass, which aborted the process on the transformer classifier's
     * graph: such a model is refused with one clear error instead of a native crash.
     */
    @Test
    void fp16OnACpuForAModelTheEmulationWasNotVerifiedWithIsOneClearError() {
        TrainingArguments fp16 = TrainingArguments.builder().outputDir("unused").maxSteps(1).learningRate(0.1)
                .perDeviceTrainBatchSize(4).fp16(true).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new TfBackend().compile(DeviceTestSupport.textModel(), fp16, DeviceTestSupport.OPTIONS).close())
                .isInstanceOf(dev.trainer4j.api.ConfigurationException.class)
                .hasMessageStartingWith("fp16 = true on a CPU uses TensorFlow 2.18's float16 emulation pass")
                .hasMessageContaining("Einsum")
                .hasMessageContaining("use bf16 on CPUs, or fp16 on a GPU");
    }
}
