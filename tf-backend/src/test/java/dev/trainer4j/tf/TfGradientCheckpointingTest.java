package dev.trainer4j.tf;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.DeviceStrategy;
import dev.trainer4j.api.GenerationConfig;
import dev.trainer4j.api.GradientSnapshot;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.OptimizerType;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.tf.internal.TfCheckpointedBlocks;
import dev.trainer4j.tf.models.Pooling;
import dev.trainer4j.tf.models.TransformerClassifier;
import dev.trainer4j.tf.models.TransformerClassifierSettings;
import dev.trainer4j.tf.models.TransformerLm;
import dev.trainer4j.tf.models.TransformerLmSettings;
import dev.trainer4j.tf.models.TransformerSeq2Seq;
import dev.trainer4j.tf.models.TransformerSeq2SeqSettings;
import org.junit.jupiter.api.Test;
import org.tensorflow.GraphOperation;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code gradient-checkpointing}: the segmented backward pass with recomputed layers gives the gradients (and so the
 * losses and weights) of the ordinary backward pass, with dropout on, over several AdamW steps; the recomputed layers
 * are in the graph under the {@code recompute} scope and depend on the upstream gradient.
 */
class TfGradientCheckpointingTest {
    private static final int STEPS = 3;
    private static final int ROWS = 4;
    private static final int LENGTH = 6;
    private static final int VOCAB = 13;
    private static final double RELATIVE = 1e-6;

    private static TrainingArguments args(boolean checkpointing) {
        return builder(checkpointing).build();
    }

    private static TrainingArguments.Builder builder(boolean checkpointing) {
        return TrainingArguments.builder().outputDir("unused").seed(11).maxSteps(STEPS).optim(OptimizerType.ADAMW)
                .learningRate(1e-2).weightDecay(0.1).maxGradNorm(1.0).trainTowers(1)
                .set(TrainingArguments.GRADIENT_CHECKPOINTING, checkpointing);
    }

    private static TransformerClassifier classifier() {
        return new TransformerClassifier(new TransformerClassifierSettings(VOCAB, 16, 3, 2, 32, 16, 0.2, 1e-5,
                Pooling.MEAN, 3));
    }

    private static TransformerLm languageModel() {
        return new TransformerLm(new TransformerLmSettings(VOCAB, 16, 3, 2, 32, 16, 0.2, 1e-5, true,
                GenerationConfig.empty()));
    }

    private static TransformerSeq2Seq seq2seq() {
        return new TransformerSeq2Seq(new TransformerSeq2SeqSettings(VOCAB, 16, 2, 2, 2, 32, 16, 0.2, 1e-5, true, true,
                GenerationConfig.fromMap(Map.of("decoder-start-token-id", 1, "pad-token-id", 0, "eos-token-id", 2),
                        "generation-config")));
    }

    /** Rows padded to different lengths (the mask), ids and labels from a fixed pattern; step s shifts the ids. */
    private static Batch batch(int step, boolean tokenLabels) {
        int[] ids = new int[ROWS * LENGTH];
        int[] mask = new int[ROWS * LENGTH];
        int[] tokenLabelValues = new int[ROWS * LENGTH];
        int[] rowLabels = new int[ROWS];
        for (int row = 0; row < ROWS; row++) {
            int length = LENGTH - row;
            rowLabels[row] = (row + step) % 3;
            for (int t = 0; t < LENGTH; t++) {
                int i = row * LENGTH + t;
                boolean real = t < length;
                ids[i] = real ? 1 + (row * 5 + t * 3 + step) % (VOCAB - 1) : 0;
                mask[i] = real ? 1 : 0;
                tokenLabelValues[i] = real ? ids[i] : -100;
            }
        }
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put("input_ids", HostTensor.ofInts(ids, ROWS, LENGTH));
        tensors.put("attention_mask", HostTensor.ofInts(mask, ROWS, LENGTH));
        tensors.put("labels", tokenLabels ? HostTensor.ofInts(tokenLabelValues, ROWS, LENGTH)
                : HostTensor.ofInts(rowLabels, ROWS));
        return new Batch(tensors);
    }

    /** Per step: the captured gradients (before clipping) and the step's training loss. */
    private record Run(List<GradientSnapshot> gradients, List<Double> losses) {
    }

    private static Run train(Supplier<TfModel> model, boolean checkpointing, boolean tokenLabels) {
        return train(model, args(checkpointing), tokenLabels);
    }

    private static Run train(Supplier<TfModel> model, TrainingArguments args, boolean tokenLabels) {
        List<GradientSnapshot> gradients = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        try (TfTrainingEngine engine = new TfBackend().compile(model.get(), args,
                new EngineOptions(List.of(), -1))) {
            for (int step = 0; step < STEPS; step++) {
                engine.step(batch(step, tokenLabels), new StepContext(step, 0, 1, 1e-2, 11, true));
                gradients.add(engine.lastGradients().orElseThrow());
                losses.add(engine.readTrainingLoss().lossSum());
            }
            return new Run(gradients, losses);
        }
    }

    /**
     * The losses of every step within 1e-6 relative; the gradients of the first step within 1e-6 of the step's largest
     * gradient element, those of later steps within 1e-5 of it. Later steps start from weights that differ by float
     * rounding amplified by AdamW: the key biases' gradients are 0 in exact arithmetic (softmax ignores a constant per
     * query), both passes leave 1e-9-sized rounding values there, and AdamW turns any sign of them into a step of the
     * learning rate's size. The key biases change no output, so the losses stay within 1e-6.
     */
    private static void assertSame(Run checkpointed, Run plain) {
        for (int step = 0; step < STEPS; step++) {
            double tolerance = step == 0 ? RELATIVE : 10 * RELATIVE;
            assertThat(checkpointed.losses().get(step)).as("loss of step %d", step)
                    .isCloseTo(plain.losses().get(step), org.assertj.core.api.Assertions.within(
                            RELATIVE * Math.abs(plain.losses().get(step))));
            Map<String, float[]> expected = plain.gradients().get(step).gradients();
            Map<String, float[]> actual = checkpointed.gradients().get(step).gradients();
            assertThat(actual.keySet()).isEqualTo(expected.keySet());
            double scale = largest(expected);
            for (Map.Entry<String, float[]> entry : expected.entrySet()) {
                assertClose("gradient of " + entry.getKey() + " at step " + step, actual.get(entry.getKey()),
                        entry.getValue(), tolerance * scale);
            }
        }
    }

    private static double largest(Map<String, float[]> tensors) {
        double largest = 0;
        for (float[] values : tensors.values()) {
            for (float value : values) {
                largest = Math.max(largest, Math.abs(value));
            }
        }
        return largest;
    }

    /**
     * Every element within {@code bound}; the bound is relative to the step's largest gradient element, not to each
     * element, since the key biases' gradients are rounding-sized values near 0 in both passes.
     */
    private static void assertClose(String what, float[] actual, float[] expected, double bound) {
        assertThat(actual).as(what).hasSize(expected.length);
        for (int i = 0; i < expected.length; i++) {
            assertThat(Math.abs((double) actual[i] - expected[i])).as("%s[%d]: %s vs %s", what, i, actual[i], expected[i])
                    .isLessThanOrEqualTo(bound);
        }
    }

    @Test
    void aClassifierTrainsAsWithoutCheckpointingWithDropoutOnOverSeveralAdamWSteps() {
        Run plain = train(TfGradientCheckpointingTest::classifier, false, false);
        Run checkpointed = train(TfGradientCheckpointingTest::classifier, true, false);
        assertSame(checkpointed, plain);
        // dropout is on: a step's gradient differs from a run with another seed's masks, so equal gradients are not
        // the gradients of a dropout-free pass (the masks of the recomputed layers are the forward pass's)
        assertThat(plain.losses().get(0)).isPositive();
    }

    @Test
    void aLanguageModelWithTiedEmbeddingsTrainsAsWithoutCheckpointing() {
        Run plain = train(TfGradientCheckpointingTest::languageModel, false, true);
        Run checkpointed = train(TfGradientCheckpointingTest::languageModel, true, true);
        assertSame(checkpointed, plain);
    }

    @Test
    void anEncoderDecoderWhoseDecoderLayersReadTheEncoderOutputTrainsAsWithoutCheckpointing() {
        // every decoder layer's cross-attention reads the encoder's output: its gradient collects one part per layer
        Run plain = train(TfGradientCheckpointingTest::seq2seq, false, true);
        Run checkpointed = train(TfGradientCheckpointingTest::seq2seq, true, true);
        assertSame(checkpointed, plain);
    }

    @Test
    void mirroredReplicasOnTwoDevicesEachRecomputeTheirLayersOnTheirDevice() {
        // two logical CPU devices, a replica (two rows) on each: every replica's backward pass is segmented, its
        // gradient ops placed on its device, and the replicas' gradients are added as without checkpointing
        String devices = "/device:CPU:0,/device:CPU:1";
        Run plain = train(TfGradientCheckpointingTest::classifier, builder(false).devices(devices).trainTowers(2).build(), false);
        Run checkpointed = train(TfGradientCheckpointingTest::classifier, builder(true).devices(devices).trainTowers(2).build(), false);
        assertSame(checkpointed, plain);
    }

    @Test
    void theRecomputedLayersAreInTheGraphAndWaitForTheirUpstreamGradient() {
        try (TfTrainingEngine engine = new TfBackend().compile(classifier(), args(true), new EngineOptions(List.of(), -1))) {
            List<String> gates = new ArrayList<>();
            int recomputedMatMuls = 0;
            Iterator<GraphOperation> operations = engine.graph().operations();
            while (operations.hasNext()) {
                GraphOperation op = operations.next();
                String name = op.name();
                if (!name.startsWith("replica_0/forward_train/" + TfCheckpointedBlocks.RECOMPUTE_SCOPE + "/")) {
                    continue;
                }
                if (op.type().equals("Identity") && op.numControlInputs() == 1) {
                    gates.add(name);
                    // the gate waits for a gradient op
                    assertThat(op.controlInputs().iterator().next().name()).startsWith("trainer4j_gradients_replica_0");
                }
                if (op.type().equals("BatchMatMulV2") || op.type().equals("MatMul")) {
                    recomputedMatMuls++;
                }
            }
            // one gate per layer; every layer's attention and feed-forward products are built again
            assertThat(gates).hasSize(3);
            assertThat(recomputedMatMuls).isGreaterThanOrEqualTo(3 * 4);
        }
    }

    @Test
    void aModelWithoutLayersRefusesIt() {
        assertThatThrownBy(() -> new TfBackend().compile(TfTrainerTestSupport.mlp(4, 8, 0.1), args(true),
                new EngineOptions(List.of(), -1)).close())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("gradient-checkpointing = true is not supported by model 'mlp-classifier'");
    }

    @Test
    void modelParallelIsRefusedWithIt() {
        // the segmented backward pass does not place gradient ops by the device map: one clear error, not a silent mix
        TrainingArguments both = builder(true).set(TrainingArguments.STRATEGY, DeviceStrategy.MODEL_PARALLEL)
                .set(TrainingArguments.DEVICE_MAP, Map.of("*", "/device:CPU:0")).build();
        assertThatThrownBy(() -> new TfBackend().compile(classifier(), both, new EngineOptions(List.of(), -1)).close())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("gradient-checkpointing = true cannot be combined with strategy = model-parallel");
    }

    @Test
    void unknownKwargsAreRefusedByName() {
        assertThat(TrainingArguments.builder().outputDir("unused")
                .set(TrainingArguments.GRADIENT_CHECKPOINTING_KWARGS, Map.of("use_reentrant", false)).build()
                .gradientCheckpointingKwargs()).containsEntry("use_reentrant", false);
        assertThatThrownBy(() -> TrainingArguments.builder().outputDir("unused")
                .set(TrainingArguments.GRADIENT_CHECKPOINTING_KWARGS, Map.of("preserve_rng_state", true)).build())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("gradient-checkpointing-kwargs")
                .hasMessageContaining("preserve_rng_state");
    }
}
