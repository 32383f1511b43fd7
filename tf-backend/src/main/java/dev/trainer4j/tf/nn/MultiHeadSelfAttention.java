package dev.trainer4j.tf.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Multi-head scaled dot-product self-attention with a key padding mask. Child scopes {@code query}, {@code key},
 * {@code value}, {@code output} hold [hidden, hidden] dense layers and {@code dropout} drops attention
 * probabilities. Masks are additive ({@link AttentionMasks}): keys whose {@code attention_mask} is 0 get
 * {@value AttentionMasks#MASKED_SCORE} added to their scores, so their softmax weight is exactly 0. Scores use
 * {@code BatchMatMulV2}; no loops.
 */
public final class MultiHeadSelfAttention {
    private final TfModelScope scope;
    private final long hiddenSize;
    private final long numHeads;
    private final long headSize;
    private final Dense query;
    private final Dense key;
    private final Dense value;
    private final Dense output;
    private final Dropout dropout;

    /**
     * @param hiddenSize the model dimension, divisible by {@code numHeads}
     * @param dropout the attention-probability dropout rate
     */
    public MultiHeadSelfAttention(TfModelScope scope, long hiddenSize, long numHeads, double dropout) {
        this.scope = requireNonNull(scope, "scope is null");
        if (numHeads <= 0 || hiddenSize <= 0 || hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException("attention " + scope.path() + ": hidden size " + hiddenSize
                    + " must be a positive multiple of the number of heads " + numHeads);
        }
        this.hiddenSize = hiddenSize;
        this.numHeads = numHeads;
        this.headSize = hiddenSize / numHeads;
        this.query = new Dense(scope.child("query"), hiddenSize, hiddenSize, Activation.NONE);
        this.key = new Dense(scope.child("key"), hiddenSize, hiddenSize, Activation.NONE);
        this.value = new Dense(scope.child("value"), hiddenSize, hiddenSize, Activation.NONE);
        this.output = new Dense(scope.child("output"), hiddenSize, hiddenSize, Activation.NONE);
        this.dropout = new Dropout(scope.child("dropout"), dropout);
    }

    /**
     * Attends over {@code x} [B, T, hidden].
     *
     * @param attentionMask [B, T], 1 for real tokens and 0 for padding; null attends to every position
     * @return [B, T, hidden]
     */
    public Operand<TFloat32> apply(Operand<TFloat32> x, Operand<? extends TNumber> attentionMask) {
        return applyWithBias(x, attentionMask == null ? null : AttentionMasks.padding(scope.tf(), attentionMask));
    }

    /**
     * Attends over {@code x} [B, T, hidden] with an additive mask (see {@link AttentionMasks}).
     *
     * @param additiveMask a float bias broadcastable to the scores [B, heads, T, T], e.g. a padding bias
     *        [B, 1, 1, T]; null adds nothing
     * @return [B, T, hidden]
     */
    public Operand<TFloat32> applyWithBias(Operand<TFloat32> x, Operand<TFloat32> additiveMask) {
        Ops tf = scope.tf();
        Operand<TInt64> batchAndTime = tf.slice(tf.shape(x, TInt64.class), tf.constant(new long[] {0}),
                tf.constant(new long[] {2}));
        Operand<TFloat32> q = splitHeads(tf, query.apply(x), batchAndTime);
        Operand<TFloat32> k = splitHeads(tf, key.apply(x), batchAndTime);
        Operand<TFloat32> v = splitHeads(tf, value.apply(x), batchAndTime);
        // [B, heads, T, T]
        Operand<TFloat32> scores = tf.math.mul(MatMuls.batchMatMul(tf, q, k, false, true),
                tf.constant((float) (1 / Math.sqrt(headSize))));
        if (additiveMask != null) {
            scores = tf.math.add(scores, additiveMask);
        }
        Operand<TFloat32> probabilities = dropout.apply(tf.nn.softmax(scores));
        Operand<TFloat32> context = MatMuls.batchMatMul(tf, probabilities, v, false, false);
        // [B, heads, T, head] -> [B, T, heads, head] -> [B, T, hidden]
        Operand<TFloat32> merged = tf.reshape(tf.linalg.transpose(context, tf.constant(new int[] {0, 2, 1, 3})),
                tf.concat(List.of(batchAndTime, tf.constant(new long[] {hiddenSize})), tf.constant(0)));
        return output.apply(merged);
    }

    private Operand<TFloat32> splitHeads(Ops tf, Operand<TFloat32> x, Operand<TInt64> batchAndTime) {
        Operand<TFloat32> split = tf.reshape(x,
                tf.concat(List.of(batchAndTime, tf.constant(new long[] {numHeads, headSize})), tf.constant(0)));
        return tf.linalg.transpose(split, tf.constant(new int[] {0, 2, 1, 3}));
    }
}
