package dev.trainer4j.tf.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * NEFTune (HF's {@code neftune_noise_alpha}, Jain et al. 2023): while training, the input embeddings
 * {@code [batch, L, d]} get uniform noise in {@code [-m, m]} with {@code m = alpha / sqrt(L * d)}, L the padded
 * sequence length and d the hidden size, as HF's {@code neftune_post_forward_hook}; evaluation and prediction are
 * untouched. The noise is drawn statelessly from the scope's seed, so a resumed run draws what the original drew.
 */
public final class InputEmbeddingNoise {
    private InputEmbeddingNoise() {
    }

    /** {@code embeddings} plus the noise when the scope trains with an alpha > 0, else {@code embeddings}. */
    public static Operand<TFloat32> apply(TfModelScope scope, Operand<TFloat32> embeddings) {
        double alpha = scope.inputEmbeddingNoise();
        if (!scope.training() || alpha == 0) {
            return embeddings;
        }
        TfModelScope noiseScope = scope.child("neftune");
        Ops tf = noiseScope.tf();
        Operand<TFloat32> shape = tf.dtypes.cast(tf.shape(embeddings), TFloat32.class);
        // L * d: the sizes of axes 1 and 2
        Operand<TFloat32> dims = tf.reduceProd(tf.slice(shape, tf.constant(new int[] {1}), tf.constant(new int[] {2})),
                tf.constant(0));
        Operand<TFloat32> magnitude = tf.math.div(tf.constant((float) alpha), tf.math.sqrt(dims));
        Operand<TFloat32> uniform = tf.random.statelessRandomUniform(tf.shape(embeddings), noiseScope.randomSeed());
        Operand<TFloat32> noise = tf.math.mul(tf.math.sub(tf.math.mul(uniform, tf.constant(2f)), tf.constant(1f)), magnitude);
        return tf.math.add(embeddings, noise);
    }
}
