package dev.trainer4j.tf.models;

import com.typesafe.config.Config;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.tf.nn.TestModelScope;
import dev.trainer4j.tf.pretrained.HuggingFaceName;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TInt32;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.trainer4j.tf.nn.TfTestSupport.ints;
import static dev.trainer4j.tf.nn.TfTestSupport.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bert-encoder's forward pass against torch's on the bert-small fixture: a 3-layer, 96-wide, 4-head BERT with a
 * vocabulary of 211 and 40 positions (sizes unlike MiniLM's), random weights, written by
 * {@code fixtures/bert-small/generate_bert_small.py} with HF's parameter names and torch's layout. The model takes its
 * sizes from the fixture's config.json and its weights from model.safetensors through
 * {@link dev.trainer4j.tf.pretrained.HuggingFaceNamed} (Linear weights transposed), so a wrong name, a missing
 * transpose, a wrong LayerNorm epsilon or placement, the tanh GELU or a wrong mask changes the outputs far beyond
 * the tolerance. Inputs: four rows of 12 tokens, three of them padded (3, 7 and 2 padding tokens) and one sentence
 * pair with token types 0/1.
 */
class BertEncoderTorchFixtureTest {
    /**
     * The bound. Both sides compute in float32 with different summation orders (TF's and torch's GEMMs);
     * the outputs are LayerNorm'd, so O(1), and three layers accumulate a few float32 ulps. Measured: see the test
     * output ("max |trainer4j - torch|").
     */
    private static final double TOLERANCE = 1e-4;

    private record Built(Graph graph, Map<String, Placeholder<TInt32>> inputs, ModelOutput<Operand<?>> output,
                         List<Op> assigns, Set<String> unused, TestModelScope scope) {
    }

    private static Built build(Graph graph, BertEncoder model) {
        Ops tf = Ops.create(graph);
        Map<String, Placeholder<TInt32>> inputs = new LinkedHashMap<>();
        for (String name : List.of(BertEncoder.INPUT_IDS, BertEncoder.ATTENTION_MASK, BertEncoder.TOKEN_TYPE_IDS)) {
            inputs.put(name, tf.withName(name).placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1))));
        }
        TestModelScope scope = TestModelScope.create(graph, false, 3);
        ModelOutput<Operand<?>> output = model.build(scope, new HashMap<>(inputs));
        Set<String> unused = new LinkedHashSet<>();
        List<Op> assigns = BertFixtures.assignments(graph, scope, model, unused);
        return new Built(graph, inputs, output, assigns, unused, scope);
    }

    private static List<float[]> runFixture(Built built, Config expected, Operand<?>... fetches) {
        try (Session session = new Session(built.graph())) {
            Session.Runner assign = session.runner();
            built.assigns().forEach(assign::addTarget);
            assign.run().close();
            int[] ids = BertFixtures.flatInts(expected, "input_ids");
            long rows = expected.getList("input_ids").size();
            long length = ids.length / rows;
            Map<Operand<?>, Tensor> feeds = new HashMap<>();
            feeds.put(built.inputs().get(BertEncoder.INPUT_IDS), ints(ids, rows, length));
            feeds.put(built.inputs().get(BertEncoder.ATTENTION_MASK),
                    ints(BertFixtures.flatInts(expected, "attention_mask"), rows, length));
            feeds.put(built.inputs().get(BertEncoder.TOKEN_TYPE_IDS),
                    ints(BertFixtures.flatInts(expected, "token_type_ids"), rows, length));
            try {
                return run(session, feeds, fetches);
            } finally {
                feeds.values().forEach(Tensor::close);
            }
        }
    }

    private static double maxError(float[] actual, float[] expected) {
        assertThat(actual).hasSameSizeAs(expected);
        double max = 0;
        for (int i = 0; i < actual.length; i++) {
            max = Math.max(max, Math.abs(actual[i] - expected[i]));
        }
        return max;
    }

    @Test
    void lastHiddenStateAndMeanPooledEmbeddingEqualTorchs() {
        BertEncoder model = BertFixtures.model("head = embedding, token-type-ids = true");
        Config expected = BertFixtures.expected();
        try (Graph graph = new Graph()) {
            Built built = build(graph, model);
            // every variable has an HF name and took a tensor; only the pooler (no pooler in this head) is left over
            assertThat(built.scope().variableNames()).containsExactlyInAnyOrderElementsOf(
                    model.huggingFaceNames().stream().map(HuggingFaceName::variable).toList());
            assertThat(built.assigns()).hasSize(model.huggingFaceNames().size());
            assertThat(built.unused()).containsExactlyInAnyOrder("pooler.dense.weight", "pooler.dense.bias");

            List<float[]> values = runFixture(built, expected, built.output().get(BertEncoder.LAST_HIDDEN_STATE),
                    built.output().get(BertEncoder.EMBEDDING));
            float[] lastHidden = BertFixtures.flat(expected, "last_hidden_state");
            float[] embedding = BertFixtures.flat(expected, "mean_pooled_embedding");
            double hiddenError = maxError(values.get(0), lastHidden);
            double embeddingError = maxError(values.get(1), embedding);
            System.out.printf("bert-small vs torch: max |trainer4j - torch| last_hidden_state %.3g, mean-pooled"
                    + " embedding %.3g (%d and %d values)%n", hiddenError, embeddingError, lastHidden.length,
                    embedding.length);
            assertThat(hiddenError).as("max |trainer4j - torch| of last_hidden_state").isLessThanOrEqualTo(TOLERANCE);
            assertThat(embeddingError).as("max |trainer4j - torch| of the mean-pooled embedding")
                    .isLessThanOrEqualTo(TOLERANCE);
            // the check can fail: the outputs are O(1) and differ from row to row
            assertThat(maxError(values.get(0), new float[lastHidden.length])).isGreaterThan(1.0);
        }
    }

    /**
     * The cls pooler through the sequence-classification head: with 96 labels, the classifier set to the identity
     * and a zero bias, the logits are the pooler's output tanh(dense(h[CLS])), which torch saved as
     * {@code pooler_output}.
     */
    @Test
    void clsPoolingIsHfsPoolerOutput() {
        BertEncoder model = BertFixtures.model(
                "head = sequence-classification, pooling = cls, num-labels = 96, token-type-ids = true");
        Config expected = BertFixtures.expected();
        try (Graph graph = new Graph()) {
            Built built = build(graph, model);
            assertThat(built.unused()).isEmpty();
            Ops tf = Ops.create(graph);
            float[] identity = new float[96 * 96];
            for (int i = 0; i < 96; i++) {
                identity[i * 96 + i] = 1;
            }
            List<Op> assigns = new java.util.ArrayList<>(built.assigns());
            assigns.add(tf.assign(built.scope().variables().get("classifier/kernel"),
                    tf.constant(Shape.of(96, 96), org.tensorflow.ndarray.buffer.DataBuffers.of(identity, true, false))));
            Built withHead = new Built(graph, built.inputs(), built.output(), assigns, built.unused(), built.scope());
            float[] logits = runFixture(withHead, expected, built.output().get(BertEncoder.LOGITS)).get(0);
            double error = maxError(logits, BertFixtures.flat(expected, "pooler_output"));
            System.out.printf("bert-small vs torch: max |trainer4j - torch| pooler_output %.3g%n", error);
            assertThat(error).as("max |trainer4j - torch| of the pooler output").isLessThanOrEqualTo(TOLERANCE);
            assertThat(model.huggingFaceNames().stream().map(HuggingFaceName::huggingFaceName)
                    .collect(Collectors.toSet())).contains("pooler.dense.weight", "classifier.weight", "classifier.bias");
        }
    }
}
