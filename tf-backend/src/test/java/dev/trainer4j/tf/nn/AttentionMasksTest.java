package dev.trainer4j.tf.nn;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.util.Map;
import java.util.Random;

import static dev.trainer4j.tf.nn.TfTestSupport.floats;
import static dev.trainer4j.tf.nn.TfTestSupport.ints;
import static dev.trainer4j.tf.nn.TfTestSupport.run;
import static dev.trainer4j.tf.nn.TfTestSupport.shapeOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class AttentionMasksTest {
    private static final float M = AttentionMasks.MASKED_SCORE;

    @Test
    void paddingAndCausalBiasesHaveTheirShapesAndValues() {
        try (Graph graph = new Graph(); Session session = new Session(graph);
                TInt32 mask = ints(new int[] {1, 1, 0, 1, 0, 0}, 2, 3)) {
            Ops tf = Ops.create(graph);
            Operand<TInt32> maskInput = tf.placeholder(TInt32.class);
            Operand<TFloat32> padding = AttentionMasks.padding(tf, maskInput);
            Operand<TFloat32> causal = AttentionMasks.causal(tf, maskInput);
            Operand<TFloat32> both = tf.math.add(padding, causal);
            Map<Operand<?>, org.tensorflow.Tensor> feeds = Map.of(maskInput, mask);

            assertThat(shapeOf(session, feeds, padding)).containsExactly(2, 1, 1, 3);
            // 0 x -1e9 is -0.0: the same bias
            assertThat(run(session, feeds, padding).get(0)).containsExactly(new float[] {0, 0, M, 0, M, M}, within(0f));
            assertThat(shapeOf(session, feeds, causal)).containsExactly(1, 1, 3, 3);
            // row i = query i: keys after i are masked
            assertThat(run(session, feeds, causal).get(0)).containsExactly(new float[] {0, M, M, 0, 0, M, 0, 0, 0},
                    within(0f));
            assertThat(shapeOf(session, feeds, both)).containsExactly(2, 1, 3, 3);
        }
    }

    @Test
    void withACausalMaskAPositionIgnoresLaterTokens() {
        int hidden = 8;
        Random random = new Random(3);
        float[] first = new float[4 * hidden];
        for (int i = 0; i < first.length; i++) {
            first[i] = (float) random.nextGaussian();
        }
        float[] second = first.clone();
        for (int i = 2 * hidden; i < second.length; i++) {
            second[i] += 5; // positions 2 and 3 change
        }
        try (Graph graph = new Graph()) {
            TestModelScope scope = TestModelScope.create(graph, false, 1);
            Ops tf = scope.tf();
            Operand<TFloat32> x = tf.placeholder(TFloat32.class);
            TransformerEncoderBlock block = new TransformerEncoderBlock(scope.child("layer"),
                    new TransformerBlockSettings(hidden, 2, 16, 0, 0, 1e-12, Activation.GELU, NormPlacement.POST));
            Operand<TFloat32> y = block.applyWithBias(x, AttentionMasks.causal(tf, x));
            try (Session session = new Session(graph); TFloat32 a = floats(first, 1, 4, hidden);
                    TFloat32 b = floats(second, 1, 4, hidden)) {
                float[] ya = run(session, Map.of(x, a), y).get(0);
                float[] yb = run(session, Map.of(x, b), y).get(0);
                for (int i = 0; i < 2 * hidden; i++) {
                    assertThat(yb[i]).as("position %d", i / hidden).isEqualTo(ya[i]);
                }
                assertThat(yb[2 * hidden]).isNotEqualTo(ya[2 * hidden]);
            }
        }
    }
}
