package dev.trainer4j.tf.nn;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;
import org.tensorflow.types.family.TType;

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
     * heads and queries. Its rank and unit dimensions are stated even when the mask's shape is open (grappler fuses
     * the scores' product, scale and this bias by them).
     */
    public static Operand<TFloat32> padding(Ops tf, Operand<? extends TNumber> attentionMask) {
        Operand<TFloat32> keep = tf.dtypes.cast(attentionMask, TFloat32.class);
        Operand<TFloat32> bias = tf.math.mul(tf.math.sub(tf.constant(1f), keep), tf.constant(MASKED_SCORE));
        Operand<TFloat32> keys = tf.expandDims(tf.expandDims(bias, tf.constant(1)), tf.constant(1));
        return tf.ensureShape(keys, Shape.of(-1, 1, 1, -1));
    }

    /**
     * The causal bias of a sequence whose length T is dimension 1 of {@code sequence} ([B, T, ...]): [1, 1, T, T],
     * where query i may attend key j only when {@code j <= i} (a decoder's self-attention). Add a padding bias to combine.
     */
    public static Operand<TFloat32> causal(Ops tf, Operand<? extends TType> sequence) {
        Operand<TInt64> length = TensorShapes.dimension(tf, sequence, 1);
        Operand<TInt64> positions = tf.range(tf.constant(0L), length, tf.constant(1L));
        // [T, 1] >= [1, T]: query i (row) sees key j (column) when j <= i
        Operand<TFloat32> allowed = tf.dtypes.cast(tf.math.greaterEqual(tf.expandDims(positions, tf.constant(1)),
                tf.expandDims(positions, tf.constant(0))), TFloat32.class);
        Operand<TFloat32> bias = tf.math.mul(tf.math.sub(tf.constant(1f), allowed), tf.constant(MASKED_SCORE));
        return tf.expandDims(tf.expandDims(bias, tf.constant(0)), tf.constant(0));
    }

    /**
     * The causal bias of T new queries over K keys whose last T are those queries (the first K - T are cached
     * earlier positions): [1, 1, T, K], where query i (at position K - T + i) may attend key j only when
     * {@code j <= K - T + i}. With K = T this is {@link #causal}.
     *
     * @param queries a [B, T, ...] tensor giving T
     * @param keys a [B, heads, K, head] tensor giving K
     */
    public static Operand<TFloat32> causalOverCache(Ops tf, Operand<? extends TType> queries,
            Operand<? extends TType> keys) {
        Operand<TInt64> newLength = TensorShapes.dimension(tf, queries, 1);
        Operand<TInt64> keyLength = TensorShapes.dimension(tf, keys, 2);
        Operand<TInt64> queryPositions = tf.math.add(tf.range(tf.constant(0L), newLength, tf.constant(1L)),
                tf.math.sub(keyLength, newLength));
        Operand<TInt64> keyPositions = tf.range(tf.constant(0L), keyLength, tf.constant(1L));
        Operand<TFloat32> allowed = tf.dtypes.cast(tf.math.greaterEqual(tf.expandDims(queryPositions, tf.constant(1)),
                tf.expandDims(keyPositions, tf.constant(0))), TFloat32.class);
        Operand<TFloat32> bias = tf.math.mul(tf.math.sub(tf.constant(1f), allowed), tf.constant(MASKED_SCORE));
        return tf.expandDims(tf.expandDims(bias, tf.constant(0)), tf.constant(0));
    }
}
