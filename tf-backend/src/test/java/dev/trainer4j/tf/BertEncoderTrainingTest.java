package dev.trainer4j.tf;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.OptimizerType;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.tf.models.BertEncoder;
import dev.trainer4j.tf.models.BertEncoderSettings;
import dev.trainer4j.tf.models.BertHead;
import dev.trainer4j.tf.models.Pooling;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A bert-encoder trains through the engine: both classification heads fit a tiny synthetic task, frozen variables
 * stay bit-identical without optimizer slots, and layer-wise learning-rate decay scales each layer's SGD update by
 * its factor. Small sizes (vocabulary 16, hidden 16, 1 or 2 layers) and no dropout keep it fast and deterministic.
 */
class BertEncoderTrainingTest {
    private static final int ROWS = 16;
    private static final int LENGTH = 6;
    private static final int VOCABULARY = 16;
    private static final int[] IDS = new int[ROWS * LENGTH];
    private static final int[] MASK = new int[ROWS * LENGTH];

    static {
        // rows of 3 to 6 tokens in [1, 16), padded with id 0 and mask 0
        Random random = new Random(5);
        for (int row = 0; row < ROWS; row++) {
            int length = 3 + random.nextInt(LENGTH - 2);
            for (int t = 0; t < length; t++) {
                IDS[row * LENGTH + t] = 1 + random.nextInt(VOCABULARY - 1);
                MASK[row * LENGTH + t] = 1;
            }
        }
    }

    private static BertEncoderSettings settings(int layers) {
        return BertEncoderSettings.of(VOCABULARY, 16, layers, 2, 32, LENGTH).withDropout(0, 0);
    }

    private static TrainingArguments arguments(OptimizerType optimizer, double learningRate) {
        return TrainingArguments.builder().outputDir("unused").seed(7).maxSteps(100).learningRate(learningRate)
                .maxGradNorm(0).weightDecay(0).optim(optimizer).build();
    }

    private static TfTrainingEngine compile(BertEncoder model, TrainingArguments arguments) {
        return new TfBackend().compile(model, arguments, new EngineOptions(List.of(), -1));
    }

    /** Sequence labels: the parity of the row's first token. */
    private static Batch sequenceBatch() {
        int[] labels = new int[ROWS];
        for (int row = 0; row < ROWS; row++) {
            labels[row] = IDS[row * LENGTH] % 2;
        }
        return batch(HostTensor.ofInts(labels, ROWS));
    }

    /** Token labels: the id modulo 3 on real tokens, -100 on padding. */
    private static Batch tokenBatch() {
        int[] labels = new int[ROWS * LENGTH];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = MASK[i] == 1 ? IDS[i] % 3 : -100;
        }
        return batch(HostTensor.ofInts(labels, ROWS, LENGTH));
    }

    private static Batch batch(HostTensor labels) {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put(BertEncoder.INPUT_IDS, HostTensor.ofInts(IDS, ROWS, LENGTH));
        tensors.put(BertEncoder.ATTENTION_MASK, HostTensor.ofInts(MASK, ROWS, LENGTH));
        tensors.put(BertEncoder.LABELS, labels);
        return new Batch(tensors);
    }

    /** The loss of each of {@code steps} steps on the same batch. */
    private static double[] losses(TfTrainingEngine engine, Batch batch, int steps, double learningRate) {
        double[] losses = new double[steps];
        for (int step = 0; step < steps; step++) {
            assertThat(engine.step(batch, new StepContext(step, 0, 1, learningRate, 7)).finite()).isTrue();
            losses[step] = engine.readTrainingLoss().lossSum();
        }
        return losses;
    }

    @Test
    void bothClassificationHeadsFitATinyTask() {
        // chance is ln 2 = 0.69 for the sequences and ln 3 = 1.10 for the tokens; random initial logits start near
        assertFits(new BertEncoder(settings(1).withHead(BertHead.SEQUENCE_CLASSIFICATION, Pooling.CLS, 2)),
                sequenceBatch(), 0.5);
        assertFits(new BertEncoder(settings(1).withHead(BertHead.TOKEN_CLASSIFICATION, Pooling.CLS, 3)),
                tokenBatch(), 0.8);
    }

    /** 25 AdamW steps on one batch more than halve a loss that starts above {@code startAbove}. */
    private static void assertFits(BertEncoder model, Batch batch, double startAbove) {
        try (TfTrainingEngine engine = compile(model, arguments(OptimizerType.ADAMW, 3e-3))) {
            double[] losses = losses(engine, batch, 25, 3e-3);
            String head = model.settings().head().configName();
            System.out.printf("bert-encoder %s loss: step 1 %.4f, step 25 %.4f%n", head, losses[0], losses[24]);
            assertThat(losses[0]).as("%s initial loss", head).isGreaterThan(startAbove);
            assertThat(losses[24]).as("%s losses %s", head, Arrays.toString(losses)).isLessThan(0.5 * losses[0]);
        }
    }

    @Test
    void theEmbeddingHeadPredictsItsEmbeddingAndLastHiddenStateThroughTheEngine() {
        BertEncoder model = new BertEncoder(settings(1).withHead(BertHead.EMBEDDING, Pooling.MEAN, 2));
        Map<String, HostTensor> tensors = new LinkedHashMap<>(batch(HostTensor.ofInts(new int[ROWS], ROWS)).tensors());
        tensors.remove(BertEncoder.LABELS);
        try (TfTrainingEngine engine = compile(model, arguments(OptimizerType.ADAMW, 1e-3))) {
            var output = engine.evaluate(new Batch(tensors), true);
            assertThat(output.hasLoss()).isFalse();
            assertThat(output.predictions().get(BertEncoder.EMBEDDING).shape()).containsExactly(ROWS, 16);
            assertThat(output.predictions().get(BertEncoder.LAST_HIDDEN_STATE).shape())
                    .containsExactly(ROWS, LENGTH, 16);
        }
    }

    @Test
    void frozenVariablesStayBitIdenticalAndGetNoOptimizerSlots() {
        BertEncoder model = new BertEncoder(settings(1).withTraining(List.of("embeddings/*", "encoder/layer_0/*_norm/*"),
                1));
        try (TfTrainingEngine engine = compile(model, arguments(OptimizerType.ADAMW, 1e-2))) {
            Map<String, float[]> before = engine.readVariables();
            losses(engine, sequenceBatch(), 3, 1e-2);
            Map<String, float[]> after = engine.readVariables();
            List<String> frozen = List.of("embeddings/word_embeddings/embeddings",
                    "embeddings/position_embeddings/embeddings", "embeddings/token_type_embeddings/embeddings",
                    "embeddings/layer_norm/gamma", "embeddings/layer_norm/beta", "encoder/layer_0/attention_norm/gamma",
                    "encoder/layer_0/ffn_norm/beta");
            for (String name : frozen) {
                assertThat(after.get(name)).as("frozen %s", name).containsExactly(before.get(name));
                assertThat(after).doesNotContainKey("optimizer/" + name + "/m");
            }
            for (String name : List.of("encoder/layer_0/attention/query/kernel", "encoder/layer_0/intermediate/bias",
                    "pooler/kernel", "classifier/bias")) {
                assertThat(after.get(name)).as("trained %s", name).isNotEqualTo(before.get(name));
                assertThat(after).containsKey("optimizer/" + name + "/m");
            }
            assertThat(engine.trainableVariables().stream().map(TfVariable::name))
                    .doesNotContainAnyElementsOf(frozen).contains("encoder/layer_0/attention/key/bias");
        }
    }

    @Test
    void aFreezeGlobThatMatchesNothingIsAnErrorNamingIt() {
        BertEncoder model = new BertEncoder(settings(1).withTraining(List.of("embeddings/*", "embedings/word/*"), 1));
        assertThatThrownBy(() -> compile(model, arguments(OptimizerType.SGD, 0.1)).close())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("freeze: the glob 'embedings/word/*' matches no variable of model"
                        + " 'bert-encoder'; its variables are [embeddings/word_embeddings/embeddings,");
        BertEncoder everything = new BertEncoder(settings(1).withTraining(List.of("*"), 1));
        assertThatThrownBy(() -> compile(everything, arguments(OptimizerType.SGD, 0.1)).close())
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("freezes every variable the loss of model 'bert-encoder' depends on");
    }

    /**
     * SGD's update is {@code w -= lr * g}. One step from the same initial weights on the same batch gives the same
     * gradient g with and without decay, so the plain run's update is lr * g and the decayed run's must be
     * lr * factor * g: with decay 0.5 and L = 2, the embeddings' factor is 0.5^3, layer 0's 0.5^2, layer 1's 0.5 and
     * the pooler's and classifier's 1 (powers of two, so lr * factor is exact in float32).
     */
    @Test
    void layerWiseDecayScalesEachLayersSgdUpdateByItsFactor() {
        double learningRate = 0.5;
        Map<String, float[]> before;
        Map<String, float[]> plain;
        try (TfTrainingEngine engine = compile(new BertEncoder(settings(2)), arguments(OptimizerType.SGD, learningRate))) {
            before = engine.readVariables();
            losses(engine, sequenceBatch(), 1, learningRate);
            plain = engine.readVariables();
        }
        Map<String, float[]> decayed;
        try (TfTrainingEngine engine = compile(new BertEncoder(settings(2).withTraining(List.of(), 0.5)),
                arguments(OptimizerType.SGD, learningRate))) {
            assertThat(engine.readVariables().get("encoder/layer_0/attention/query/kernel"))
                    .containsExactly(before.get("encoder/layer_0/attention/query/kernel"));
            losses(engine, sequenceBatch(), 1, learningRate);
            decayed = engine.readVariables();
        }
        Map<String, Double> factors = Map.of("embeddings/word_embeddings/embeddings", 0.125,
                "embeddings/layer_norm/gamma", 0.125, "encoder/layer_0/attention/query/kernel", 0.25,
                "encoder/layer_0/ffn_norm/beta", 0.25, "encoder/layer_1/intermediate/kernel", 0.5,
                "encoder/layer_1/attention_norm/gamma", 0.5, "pooler/kernel", 1.0, "classifier/kernel", 1.0);
        factors.forEach((name, factor) -> {
            float[] initial = before.get(name);
            double largest = 0;
            for (int i = 0; i < initial.length; i++) {
                double plainUpdate = (double) plain.get(name)[i] - initial[i];
                double decayedUpdate = (double) decayed.get(name)[i] - initial[i];
                // the updates are differences of float32 weights: each carries up to one rounding of w (ulp/2)
                double tolerance = 2 * Math.ulp((float) (Math.abs(initial[i]) + Math.abs(plainUpdate)));
                assertThat(decayedUpdate).as("%s[%d]: update %s, plain %s, factor %s", name, i, decayedUpdate,
                        plainUpdate, factor).isCloseTo(factor * plainUpdate,
                        org.assertj.core.api.Assertions.within(tolerance));
                largest = Math.max(largest, Math.abs(plainUpdate));
            }
            assertThat(largest).as("%s moved", name).isGreaterThan(1e-4);
        });
    }
}
