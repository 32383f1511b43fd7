package dev.trainer4j.tf.models;

import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.tf.nn.TestModelScope;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TInt32;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.trainer4j.tf.nn.TfTestSupport.ints;
import static dev.trainer4j.tf.nn.TfTestSupport.run;
import static dev.trainer4j.tf.nn.TfTestSupport.shapeOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TransformerClassifierTest {
    private static final int[] IDS = {3, 7, 1, 0, 5, 9, 2, 4};
    private static final int[] MASK = {1, 1, 1, 0, 1, 1, 1, 1};

    private static TransformerClassifier model(Pooling pooling, int numLabels) {
        return new TransformerClassifier(new TransformerClassifierSettings(12, 8, 2, 2, 16, 16, 0.1, 1e-5, pooling,
                numLabels));
    }

    @Test
    void everyVariableGetsAFiniteGradientThroughTheTrainingPass() {
        for (Pooling pooling : Pooling.values()) {
            TransformerClassifier model = model(pooling, 3);
            try (Graph graph = new Graph()) {
                TestModelScope scope = TestModelScope.create(graph, true, 5);
                Inputs inputs = Inputs.create(Ops.create(graph));
                ModelOutput<Operand<?>> output = model.build(scope, inputs.all());

                Map<String, Output<org.tensorflow.types.TFloat32>> variables = scope.variables();
                assertThat(variables).containsKeys("embeddings/word/embeddings", "embeddings/position/embeddings",
                        "encoder/layer_0/attention/query/kernel", "encoder/layer_1/attention/output/bias",
                        "encoder/layer_1/ffn_norm/gamma", "encoder/layer_0/intermediate/kernel",
                        "encoder/final_norm/beta", "classifier/kernel", "classifier/bias");
                assertThat(variables).hasSize(2 + 2 * 16 + 2 + 2);
                Output<?> loss = output.lossSum().orElseThrow().asOutput();
                Output<?>[] gradients = graph.addGradients(loss, variables.values().toArray(Output<?>[]::new));
                assertThat(gradients).hasSize(variables.size()).doesNotContainNull();

                try (Session session = new Session(graph);
                        TInt32 ids = ints(IDS, 2, 4);
                        TInt32 mask = ints(MASK, 2, 4);
                        TInt32 labels = ints(new int[] {2, 0}, 2)) {
                    Map<Operand<?>, Tensor> feeds = inputs.feeds(ids, mask, labels);
                    List<float[]> values = run(session, feeds, gradients);
                    List<String> names = new ArrayList<>(variables.keySet());
                    for (int i = 0; i < values.size(); i++) {
                        float[] gradient = values.get(i);
                        double norm = 0;
                        for (float g : gradient) {
                            assertThat(Float.isFinite(g)).as("finite gradient of %s", names.get(i)).isTrue();
                            norm += g * g;
                        }
                        if (!names.get(i).startsWith("embeddings/")) { // unused rows have zero gradient
                            assertThat(norm).as("gradient norm of %s (%s pooling)", names.get(i), pooling)
                                    .isGreaterThan(0);
                        }
                    }
                    assertThat(shapeOf(session, feeds, output.get("logits"))).containsExactly(2, 3);
                    assertThat(run(session, feeds, output.itemCount().orElseThrow()).get(0)).containsExactly(2f);
                }
            }
        }
    }

    @Test
    void evaluationPassReusesTheVariablesAndItsLossIsTheCrossEntropyOfItsLogits() {
        TransformerClassifier model = model(Pooling.CLS, 3);
        try (Graph graph = new Graph()) {
            TestModelScope scope = TestModelScope.create(graph, true, 5);
            Inputs inputs = Inputs.create(Ops.create(graph));
            model.build(scope, inputs.all());
            int created = scope.variableNames().size();
            ModelOutput<Operand<?>> evaluation = model.build(scope.withTraining(false), inputs.all());
            assertThat(scope.variableNames()).hasSize(created);

            try (Session session = new Session(graph);
                    TInt32 ids = ints(IDS, 2, 4);
                    TInt32 mask = ints(MASK, 2, 4);
                    TInt32 labels = ints(new int[] {2, -100}, 2)) {
                Map<Operand<?>, Tensor> feeds = inputs.feeds(ids, mask, labels);
                List<float[]> values = run(session, feeds, evaluation.get("logits"),
                        evaluation.lossSum().orElseThrow(), evaluation.itemCount().orElseThrow());
                float[] logits = values.get(0);
                double max = Math.max(logits[0], Math.max(logits[1], logits[2]));
                double logSum = max + Math.log(Math.exp(logits[0] - max) + Math.exp(logits[1] - max)
                        + Math.exp(logits[2] - max));
                assertThat((double) values.get(1)[0]).isCloseTo(logSum - logits[2], within(1e-5));
                assertThat(values.get(2)).containsExactly(1f);
                // evaluation is deterministic (no dropout)
                assertThat(run(session, feeds, evaluation.get("logits")).get(0)).containsExactly(logits);
            }
        }
    }

    @Test
    void appendedPaddingDoesNotChangeTheLogits() {
        for (Pooling pooling : Pooling.values()) {
            TransformerClassifier model = model(pooling, 2);
            try (Graph graph = new Graph()) {
                TestModelScope scope = TestModelScope.create(graph, false, 5);
                Inputs inputs = Inputs.create(Ops.create(graph));
                ModelOutput<Operand<?>> output = model.build(scope, inputs.withoutLabels());
                assertThat(output.hasLoss()).isFalse();
                Operand<?> logits = output.get("logits");
                try (Session session = new Session(graph);
                        TInt32 shortIds = ints(new int[] {3, 7, 1}, 1, 3);
                        TInt32 shortMask = ints(new int[] {1, 1, 1}, 1, 3);
                        TInt32 longIds = ints(new int[] {3, 7, 1, 0, 0, 11}, 1, 6);
                        TInt32 longMask = ints(new int[] {1, 1, 1, 0, 0, 0}, 1, 6)) {
                    float[] expected = run(session, inputs.feeds(shortIds, shortMask, null), logits).get(0);
                    float[] padded = run(session, inputs.feeds(longIds, longMask, null), logits).get(0);
                    assertThat(padded).as("%s pooling", pooling).containsExactly(expected, within(1e-5f));
                }
            }
        }
    }

    /** Placeholders for the model's inputs. */
    private record Inputs(Operand<TInt32> ids, Operand<TInt32> mask, Operand<TInt32> labels) {
        static Inputs create(Ops tf) {
            return new Inputs(tf.placeholder(TInt32.class), tf.placeholder(TInt32.class),
                    tf.placeholder(TInt32.class));
        }

        Map<String, Operand<?>> all() {
            return Map.of("input_ids", ids, "attention_mask", mask, "labels", labels);
        }

        Map<String, Operand<?>> withoutLabels() {
            return Map.of("input_ids", ids, "attention_mask", mask);
        }

        Map<Operand<?>, Tensor> feeds(TInt32 idValues, TInt32 maskValues, TInt32 labelValues) {
            return labelValues == null ? Map.of(ids, idValues, mask, maskValues)
                    : Map.of(ids, idValues, mask, maskValues, labels, labelValues);
        }
    }
}
