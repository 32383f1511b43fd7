package dev.trainer4j.tf.nn;

import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Unstack;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Multi-head scaled dot-product attention whose queries and keys/values may come from different sequences (a
 * decoder's self-attention over its own prefix, or cross-attention over the encoder's states), with keys and values
 * exposed in the head layout [B, heads, T, head] so that a decoder can cache them between generation steps. Child
 * scopes and variables are those of {@link MultiHeadSelfAttention}: {@code query}, {@code key}, {@code value},
 * {@code output} [hidden, hidden] and {@code dropout} on the attention probabilities.
 */
public final class MultiHeadAttention {
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
    public MultiHeadAttention(TfModelScope scope, long hiddenSize, long numHeads, double dropout) {
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

    public long numHeads() {
        return numHeads;
    }

    public long headSize() {
        return headSize;
    }

    /** The keys of {@code source} [B, S, hidden] in the head layout [B, heads, S, head]. */
    public Operand<TFloat32> keys(Operand<TFloat32> source) {
        return splitHeads(scope.tf(), key.apply(source));
    }

    /** The values of {@code source} [B, S, hidden] in the head layout [B, heads, S, head]. */
    public Operand<TFloat32> values(Operand<TFloat32> source) {
        return splitHeads(scope.tf(), value.apply(source));
    }

    /**
     * Attends from {@code x} [B, T, hidden] over {@code keys} and {@code values} [B, heads, S, head].
     *
     * @param additiveMask a float bias broadcastable to the scores [B, heads, T, S] ({@link AttentionMasks}); null
     *        adds nothing
     * @return [B, T, hidden]
     */
    public Operand<TFloat32> attend(Operand<TFloat32> x, Operand<TFloat32> keys, Operand<TFloat32> values,
            Operand<TFloat32> additiveMask) {
        Ops tf = scope.tf();
        Operand<TFloat32> q = splitHeads(tf, query.apply(x));
        Operand<TFloat32> scores = tf.math.mul(MatMuls.batchMatMul(tf, q, keys, false, true),
                tf.constant((float) (1 / Math.sqrt(headSize))));
        if (additiveMask != null) {
            scores = tf.math.add(scores, additiveMask);
        }
        Operand<TFloat32> probabilities = dropout.apply(tf.nn.softmax(scores));
        Operand<TFloat32> context = MatMuls.batchMatMul(tf, probabilities, values, false, false);
        Operand<TInt64> batchAndTime = tf.slice(tf.shape(x, TInt64.class), tf.constant(new long[] {0}),
                tf.constant(new long[] {2}));
        Operand<TFloat32> merged = tf.reshape(tf.linalg.transpose(context, tf.constant(new int[] {0, 2, 1, 3})),
                tf.concat(List.of(batchAndTime, tf.constant(new long[] {hiddenSize})), tf.constant(0)));
        return output.apply(merged);
    }

    /**
     * Self-attention over {@code x} [B, T, hidden] ({@link MultiHeadSelfAttention}): queries, keys and values from
     * one product with the three kernels side by side ([hidden, 3·hidden], the scale 1/√head folded into the query
     * kernel and bias), split into heads by one reshape and one transpose. The same function as
     * {@code attend(x, keys(x), values(x), additiveMask)}; with a power-of-two head size the same numbers up to the
     * products' summation order.
     */
    public Operand<TFloat32> attendSelf(Operand<TFloat32> x, Operand<TFloat32> additiveMask) {
        Ops tf = scope.tf();
        Operand<TFloat32> scale = tf.constant((float) (1 / Math.sqrt(headSize)));
        Operand<TFloat32> kernel = tf.concat(List.of(tf.math.mul(query.kernel(), scale), key.kernel(), value.kernel()),
                tf.constant(1));
        Operand<TFloat32> bias = tf.concat(List.of(tf.math.mul(query.bias(), scale), key.bias(), value.bias()),
                tf.constant(0));
        Operand<TFloat32> projected = tf.nn.biasAdd(
                tf.linalg.matMul(tf.reshape(x, tf.constant(new long[] {-1, hiddenSize})), kernel), bias);
        Operand<TInt64> batchAndTime = tf.slice(tf.shape(x, TInt64.class), tf.constant(new long[] {0}),
                tf.constant(new long[] {2}));
        // [B·T, 3·hidden] -> [B, T, 3, heads, head] -> [3, B, heads, T, head]
        Operand<TFloat32> heads = tf.linalg.transpose(tf.reshape(projected, tf.concat(List.of(batchAndTime,
                tf.constant(new long[] {3, numHeads, headSize})), tf.constant(0))), tf.constant(new int[] {2, 0, 3, 1, 4}));
        List<Output<TFloat32>> qkv = tf.unstack(heads, 3L, Unstack.axis(0L)).output();
        return attendHeads(tf, qkv.get(0), qkv.get(1), qkv.get(2), additiveMask, batchAndTime);
    }

    /** Attention from scaled queries over keys and values, all [B, heads, T, head]; gives [B, T, hidden]. */
    private Operand<TFloat32> attendHeads(Ops tf, Operand<TFloat32> scaledQueries, Operand<TFloat32> keys,
            Operand<TFloat32> values, Operand<TFloat32> additiveMask, Operand<TInt64> batchAndTime) {
        Operand<TFloat32> scores = MatMuls.batchMatMul(tf, scaledQueries, keys, false, true);
        if (additiveMask != null) {
            scores = tf.math.add(scores, additiveMask);
        }
        Operand<TFloat32> probabilities = dropout.apply(tf.nn.softmax(scores));
        Operand<TFloat32> context = MatMuls.batchMatMul(tf, probabilities, values, false, false);
        Operand<TFloat32> merged = tf.reshape(tf.linalg.transpose(context, tf.constant(new int[] {0, 2, 1, 3})),
                tf.concat(List.of(batchAndTime, tf.constant(new long[] {hiddenSize})), tf.constant(0)));
        return output.apply(merged);
    }

    /** [B, T, hidden] → [B, heads, T, head]. */
    private Operand<TFloat32> splitHeads(Ops tf, Operand<TFloat32> x) {
        Operand<TInt64> batchAndTime = tf.slice(tf.shape(x, TInt64.class), tf.constant(new long[] {0}),
                tf.constant(new long[] {2}));
        Operand<TFloat32> split = tf.reshape(x,
                tf.concat(List.of(batchAndTime, tf.constant(new long[] {numHeads, headSize})), tf.constant(0)));
        return tf.linalg.transpose(split, tf.constant(new int[] {0, 2, 1, 3}));
    }
}
