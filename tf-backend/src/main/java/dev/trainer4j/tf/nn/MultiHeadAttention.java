package dev.trainer4j.tf.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
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
        Operand<TFloat32> queries = splitHeads(tf, scaledQueries(tf, query.apply(x)));
        return unflatten(tf, attendHeads(tf, queries, keys, values, additiveMask), batchAndTime(tf, x));
    }

    /**
     * Self-attention over {@code x} [B, T, hidden]: what {@code attend(x, keys(x), values(x), additiveMask)} gives,
     * computed as {@link #attendSelfRows} on its rows.
     */
    public Operand<TFloat32> attendSelf(Operand<TFloat32> x, Operand<TFloat32> additiveMask) {
        Ops tf = scope.tf();
        Operand<TInt64> batchAndTime = batchAndTime(tf, x);
        return unflatten(tf, attendSelfRows(tf.reshape(x, tf.constant(new long[] {-1, hiddenSize})), batchAndTime,
                additiveMask), batchAndTime);
    }

    /**
     * Self-attention over a sequence batch given by its rows: {@code rows} [B·T, hidden], the positions of B
     * sequences of T one after the other, and {@code batchAndTime} = (B, T) as int64 [2]; returns [B·T, hidden]. The
     * projections take the rows as they are, so only the heads need (B, T).
     */
    public Operand<TFloat32> attendSelfRows(Operand<TFloat32> rows, Operand<TInt64> batchAndTime,
            Operand<TFloat32> additiveMask) {
        Ops tf = scope.tf();
        Operand<TFloat32> queries = heads(tf, scaledQueries(tf, query.apply(rows)), batchAndTime);
        return attendHeads(tf, queries, heads(tf, key.apply(rows), batchAndTime),
                heads(tf, value.apply(rows), batchAndTime), additiveMask);
    }

    /**
     * The projected queries scaled by 1/sqrt(head) rather than the scores: a quarter of the elements at 4 heads and
     * length 64, and the same numbers whenever 1/sqrt(head) is a power of two (head sizes 4, 16, 64, 256). In the
     * fusable form ({@link TfModelScope#fusedKernels()}) the fused product scales the scores instead.
     */
    private Operand<TFloat32> scaledQueries(Ops tf, Operand<TFloat32> projected) {
        return scope.fusedKernels() ? projected : tf.math.mul(projected, scale(tf));
    }

    /** 1/sqrt(head). */
    private Operand<TFloat32> scale(Ops tf) {
        return tf.constant((float) (1 / Math.sqrt(headSize)));
    }

    /**
     * Attention of {@code queries} (scaled, except in the fusable form, which scales the scores) over {@code keys} and
     * {@code values}, all [B, heads, T or S, head], through the output projection: [B·T, hidden].
     */
    private Operand<TFloat32> attendHeads(Ops tf, Operand<TFloat32> queries, Operand<TFloat32> keys,
            Operand<TFloat32> values, Operand<TFloat32> additiveMask) {
        Operand<TFloat32> scores;
        if (scope.fusedKernels()) {
            // grappler's remapper makes AddV2(Mul(BatchMatMulV2(q, k^T), scale), mask) one oneDNN kernel when the
            // mask's static shape is [*, 1, *, *], as AttentionMasks' are
            scores = tf.math.mul(MatMuls.batchMatMulV2(tf, queries, keys, false, true), scale(tf));
            if (additiveMask != null) {
                scores = MatMuls.addV2(tf, scores, additiveMask);
            }
        }
        else {
            scores = MatMuls.batchMatMul(tf, queries, keys, false, true);
            if (additiveMask != null) {
                scores = tf.math.add(scores, additiveMask);
            }
        }
        Operand<TFloat32> probabilities = dropout.apply(tf.nn.softmax(scores));
        Operand<TFloat32> context = MatMuls.batchMatMul(tf, probabilities, values, false, false);
        Operand<TFloat32> merged = tf.reshape(tf.linalg.transpose(context, tf.constant(new int[] {0, 2, 1, 3})),
                tf.constant(new long[] {-1, hiddenSize}));
        return output.apply(merged);
    }

    /** Rows [B·T, hidden] back to [B, T, hidden]. */
    private Operand<TFloat32> unflatten(Ops tf, Operand<TFloat32> rows, Operand<TInt64> batchAndTime) {
        return tf.reshape(rows, tf.concat(List.of(batchAndTime, tf.constant(new long[] {hiddenSize})), tf.constant(0)));
    }

    /** The first two dimensions of {@code x} [B, T, ...] as int64 [2]. */
    private static Operand<TInt64> batchAndTime(Ops tf, Operand<TFloat32> x) {
        return tf.slice(tf.shape(x, TInt64.class), tf.constant(new long[] {0}), tf.constant(new long[] {2}));
    }

    /** [B, T, hidden] → [B, heads, T, head]. */
    private Operand<TFloat32> splitHeads(Ops tf, Operand<TFloat32> x) {
        return heads(tf, x, batchAndTime(tf, x));
    }

    /** [B, T, hidden] or its rows [B·T, hidden] → [B, heads, T, head]. */
    private Operand<TFloat32> heads(Ops tf, Operand<TFloat32> x, Operand<TInt64> batchAndTime) {
        Operand<TFloat32> split = tf.reshape(x,
                tf.concat(List.of(batchAndTime, tf.constant(new long[] {numHeads, headSize})), tf.constant(0)));
        return tf.linalg.transpose(split, tf.constant(new int[] {0, 2, 1, 3}));
    }
}
