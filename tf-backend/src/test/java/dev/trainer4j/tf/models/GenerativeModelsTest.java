package dev.trainer4j.tf.models;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.GenerationConfig;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.tf.nn.TestModelScope;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TInt32;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.trainer4j.tf.nn.TfTestSupport.ints;
import static dev.trainer4j.tf.nn.TfTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Label shifting and masking of transformer-lm and transformer-seq2seq, against hand derivations. */
class GenerativeModelsTest {
    private static final int VOCAB = 11;

    static TransformerLm lm() {
        return new TransformerLm(new TransformerLmSettings(VOCAB, 8, 2, 2, 16, 32, 0.0, 1e-5, true,
                GenerationConfig.empty()));
    }

    static TransformerSeq2Seq seq2seq(boolean share, boolean tie) {
        return new TransformerSeq2Seq(new TransformerSeq2SeqSettings(VOCAB, 8, 2, 2, 2, 16, 32, 0.0, 1e-5, share, tie,
                GenerationConfig.fromMap(Map.of("decoder-start-token-id", 1, "pad-token-id", 0, "eos-token-id", 2),
                        "generation-config")));
    }

    @Test
    void decoderInputsAreTheLabelsShiftedRightBehindTheStartTokenWithIgnoredLabelsAsPad() {
        // labels [[5, 6, -100], [7, -100, -100]], start 1, pad 0:
        // row 0 by hand: [start, 5, 6] = [1, 5, 6]; row 1: [start, 7, -100 -> pad] = [1, 7, 0]
        try (Graph graph = new Graph(); Session session = new Session(graph);
                TInt32 labels = ints(new int[] {5, 6, -100, 7, -100, -100}, 2, 3)) {
            Ops tf = Ops.create(graph);
            Placeholder<TInt32> fed = tf.placeholder(TInt32.class);
            Operand<TInt32> inputs = LabelShift.decoderInputs(tf, fed, 1, 0);
            assertThat(run(session, Map.of(fed, labels), inputs).get(0))
                    .containsExactly(1, 5, 6, 1, 7, 0);
        }
    }

    @Test
    void languageModelLossIsNextTokenCrossEntropyOverLabelItemsOnly() {
        // labels [[4, 5, 6, -100], [7, 8, -100, -100]]: position t predicts label t+1, so the items are
        // (row 0: t0 -> 5, t1 -> 6), (row 1: t0 -> 8); t2 -> -100 and the last positions are not items: count 3
        int[] ids = {4, 5, 6, 0, 7, 8, 0, 0};
        int[] mask = {1, 1, 1, 0, 1, 1, 0, 0};
        int[] labels = {4, 5, 6, -100, 7, 8, -100, -100};
        try (Graph graph = new Graph()) {
            TestModelScope scope = TestModelScope.create(graph, false, 3);
            Ops tf = Ops.create(graph);
            Map<String, Operand<?>> inputs = placeholders(tf, "input_ids", "attention_mask", "labels");
            ModelOutput<Operand<?>> output = lm().build(scope, inputs);
            try (Session session = new Session(graph); TInt32 idTensor = ints(ids, 2, 4);
                    TInt32 maskTensor = ints(mask, 2, 4); TInt32 labelTensor = ints(labels, 2, 4)) {
                Map<Operand<?>, Tensor> feeds = feeds(inputs, idTensor, maskTensor, labelTensor);
                List<float[]> values = run(session, feeds, output.get("logits"), output.lossSum().orElseThrow(),
                        output.itemCount().orElseThrow());
                float[] logits = values.get(0);
                double expected = crossEntropy(logits, 0, 5) + crossEntropy(logits, 1, 6) + crossEntropy(logits, 4, 8);
                assertThat(values.get(2)[0]).isEqualTo(3f);
                assertThat((double) values.get(1)[0]).isCloseTo(expected, within(1e-4));
            }
        }
    }

    @Test
    void seq2seqLossCoversEveryLabelItemAndTheDecoderSeesOnlyEarlierLabels() {
        // one row, labels [3, 4, 5, -100]: decoder inputs [start, 3, 4, 5]; items: positions 0..2 (count 3).
        // Changing label 2 (5 -> 9) changes decoder input 3 only, so logits at positions 0..2 stay the same
        // (causal self-attention) and position 3 changes.
        for (boolean share : new boolean[] {true, false}) {
            try (Graph graph = new Graph()) {
                TestModelScope scope = TestModelScope.create(graph, false, 3);
                Ops tf = Ops.create(graph);
                Map<String, Operand<?>> inputs = placeholders(tf, "input_ids", "attention_mask", "labels");
                ModelOutput<Operand<?>> output = seq2seq(share, !share).build(scope, inputs);
                assertThat(scope.variableNames()).contains(share ? "embeddings/word/embeddings"
                        : "embeddings/decoder_word/embeddings", "decoder/layer_1/cross_attention/key/kernel",
                        "embeddings/decoder_position/embeddings", "lm_head/bias");
                assertThat(scope.variableNames().contains("lm_head/kernel")).isEqualTo(share);
                try (Session session = new Session(graph); TInt32 ids = ints(new int[] {6, 7, 8}, 1, 3);
                        TInt32 mask = ints(new int[] {1, 1, 1}, 1, 3);
                        TInt32 labels = ints(new int[] {3, 4, 5, -100}, 1, 4);
                        TInt32 changed = ints(new int[] {3, 4, 9, -100}, 1, 4)) {
                    List<float[]> first = run(session, feeds(inputs, ids, mask, labels), output.get("logits"),
                            output.lossSum().orElseThrow(), output.itemCount().orElseThrow());
                    List<float[]> second = run(session, feeds(inputs, ids, mask, changed), output.get("logits"));
                    float[] logits = first.get(0);
                    double expected = crossEntropy(logits, 0, 3) + crossEntropy(logits, 1, 4) + crossEntropy(logits, 2, 5);
                    assertThat(first.get(2)[0]).isEqualTo(3f);
                    assertThat((double) first.get(1)[0]).isCloseTo(expected, within(1e-4));
                    for (int i = 0; i < 3 * VOCAB; i++) {
                        assertThat(second.get(0)[i]).as("logit %d", i).isCloseTo(logits[i], within(1e-5f));
                    }
                    double difference = 0;
                    for (int i = 3 * VOCAB; i < 4 * VOCAB; i++) {
                        difference += Math.abs(second.get(0)[i] - logits[i]);
                    }
                    assertThat(difference).isGreaterThan(1e-3);
                }
            }
        }
    }

    @Test
    void settingsNameTheGenerationKeyOfATokenIdOutsideTheVocabulary() {
        assertThatThrownBy(() -> new TransformerLmSettings(VOCAB, 8, 1, 2, 16, 32, 0, 1e-5, true,
                GenerationConfig.fromMap(Map.of("eos_token_id", VOCAB), "generation-config")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("generation-config.eos-token-id")
                .hasMessageContaining("[0, 11)");
    }

    private static Map<String, Operand<?>> placeholders(Ops tf, String... names) {
        Map<String, Operand<?>> inputs = new LinkedHashMap<>();
        for (String name : names) {
            inputs.put(name, tf.placeholder(TInt32.class));
        }
        return inputs;
    }

    private static Map<Operand<?>, Tensor> feeds(Map<String, Operand<?>> inputs, Tensor... tensors) {
        Map<Operand<?>, Tensor> feeds = new LinkedHashMap<>();
        int i = 0;
        for (Operand<?> input : inputs.values()) {
            feeds.put(input, tensors[i++]);
        }
        return feeds;
    }

    /** -log softmax(logits[position])[label] for flat [positions, VOCAB] logits, in double precision. */
    static double crossEntropy(float[] logits, int position, int label) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < VOCAB; c++) {
            max = Math.max(max, logits[position * VOCAB + c]);
        }
        double sum = 0;
        for (int c = 0; c < VOCAB; c++) {
            sum += Math.exp(logits[position * VOCAB + c] - max);
        }
        return max + Math.log(sum) - logits[position * VOCAB + label];
    }
}
