package dev.trainer4j.tf.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

/**
 * Additive attention masks: float biases added to the attention scores [B, heads, queries, keys] before the softmax,
 * 0 where attending is allowed and {@link #MASKED_SCORE} where it is not. Masks broadcast, so they combine by
 * addition (a causal mask [1, 1, T, T] plus a padding mask [B, 1, 1, T]).
 */
public final class AttentionMasks {
    /**
     * What a masked key's score is shifted by. Any masked key then gets a softmax weight of exactly 0 in float32, as
     * with HF's {@code finfo(float32).min} or BERT's original -10000 (a row whose keys are all masked attends
     * uniformly here, where finfo.min can overflow).
     */
    public static final float MASKED_SCORE = -1e9f;

    private AttentionMasks() {
    }

    /**
     * The key padding bias of {@code attentionMask} [B, T] (1 = token, 0 = padding): [B, 1, 1, T], broadcasting over
     * heads and queries.
     */
    public static Operand<TFloat32> padding(Ops tf, Operand<? extends TNumber> attentionMask) {
        Operand<TFloat32> keep = tf.dtypes.cast(attentionMask, TFloat32.class);
        Operand<TFloat32> bias = tf.math.mul(tf.math.sub(tf.constant(1f), keep), tf.constant(MASKED_SCORE));
        return tf.expandDims(tf.expandDims(bias, tf.constant(1)), tf.constant(1));
    }
}
