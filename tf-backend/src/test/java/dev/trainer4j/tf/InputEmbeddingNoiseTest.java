package dev.trainer4j.tf;

import dev.trainer4j.tf.internal.TfBuildScope;
import dev.trainer4j.tf.internal.TfVariableStore;
import dev.trainer4j.tf.nn.InputEmbeddingNoise;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * NEFTune ({@code neftune-noise-alpha}): uniform noise in [-alpha/sqrt(L*d), alpha/sqrt(L*d)] on the input embeddings
 * of the training pass only. Embeddings of shape [2, 4, 8]: L*d = 32, so alpha 5 gives a bound of 5/sqrt(32) = 0.8839.
 */
class InputEmbeddingNoiseTest {
    private static final int BATCH = 2;
    private static final int LENGTH = 4;
    private static final int HIDDEN = 8;

    /** The noise added to ones of shape [2, 4, 8] by a scope that trains (or not) with {@code alpha}, at {@code step}. */
    private static float[] noise(boolean training, double alpha, long step) {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            TfVariableStore store = new TfVariableStore(graph, tf, 7);
            Operand<TInt64> key = tf.constant(new long[] {7, step, 0});
            Operand<TFloat32> ones = tf.fill(tf.constant(new int[] {BATCH, LENGTH, HIDDEN}), tf.constant(1f));
            Operand<TFloat32> noisy = InputEmbeddingNoise.apply(new TfBuildScope(tf, training, store, key, 0, alpha)
                    .child("embeddings"), ones);
            try (Session session = new Session(graph); Result result = session.runner().fetch(noisy).run()) {
                TFloat32 values = (TFloat32) result.get(0);
                float[] differences = new float[BATCH * LENGTH * HIDDEN];
                for (int i = 0; i < differences.length; i++) {
                    differences[i] = values.getFloat(i / (LENGTH * HIDDEN), i / HIDDEN % LENGTH, i % HIDDEN) - 1f;
                }
                return differences;
            }
        }
    }

    @Test
    void trainingAddsUniformNoiseBoundedByAlphaOverTheRootOfLengthTimesHidden() {
        double bound = 5 / Math.sqrt(LENGTH * HIDDEN);
        float[] noise = noise(true, 5, 3);
        double largest = 0;
        double sum = 0;
        for (float value : noise) {
            assertThat(Math.abs(value)).isLessThanOrEqualTo((float) bound + 1e-6f);
            largest = Math.max(largest, Math.abs(value));
            sum += value;
        }
        // 64 uniform draws: the largest |value| is below 0.7 of the bound with probability 0.7^64 (1e-10)
        assertThat(largest).isGreaterThan(0.7 * bound);
        // the mean of 64 draws of variance bound^2/3 has a standard deviation of 0.064; 0.35 is 5.5 of them
        assertThat(Math.abs(sum / noise.length)).isLessThan(0.35);
        assertThat(noise(true, 5, 3)).as("the same step draws the same noise").containsExactly(noise);
        assertThat(noise(true, 5, 4)).as("another step draws other noise").isNotEqualTo(noise);
    }

    @Test
    void evaluationAndAZeroAlphaLeaveTheEmbeddingsAlone() {
        assertThat(noise(false, 5, 3)).containsOnly(0f);
        assertThat(noise(true, 0, 3)).containsOnly(0f);
    }
}
