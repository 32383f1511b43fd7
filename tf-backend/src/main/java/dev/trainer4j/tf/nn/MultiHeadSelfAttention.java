package dev.trainer4j.tf.nn;

import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

import static java.util.Objects.requireNonNull;

/**
 * Multi-head scaled dot-product self-attention with a key padding mask. Child scopes {@code query}, {@code key},
 * {@code value}, {@code output} hold [hidden, hidden] dense layers and {@code dropout} drops attention
 * probabilities. Masks are additive ({@link AttentionMasks}): keys whose {@code attention_mask} is 0 get
 * {@value AttentionMasks#MASKED_SCORE} added to their scores, so their softmax weight is exactly 0. Scores use
 * batched products ({@code Einsum}, oneDNN kernels forward and backward); no loops.
 */
public final class MultiHeadSelfAttention {
    private final TfModelScope scope;
    private final MultiHeadAttention attention;

    /**
     * @param hiddenSize the model dimension, divisible by {@code numHeads}
     * @param dropout the attention-probability dropout rate
     */
    public MultiHeadSelfAttention(TfModelScope scope, long hiddenSize, long numHeads, double dropout) {
        this.scope = requireNonNull(scope, "scope is null");
        // the same child scopes and variables: queries, keys and values all come from x
        this.attention = new MultiHeadAttention(scope, hiddenSize, numHeads, dropout);
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
        return attention.attendSelf(x, additiveMask);
    }

    /**
     * Attends over a sequence batch given by its rows [B·T, hidden] (see
     * {@link MultiHeadAttention#attendSelfRows}), {@code batchAndTime} = (B, T); returns [B·T, hidden].
     */
    public Operand<TFloat32> applyRowsWithBias(Operand<TFloat32> rows, Operand<TInt64> batchAndTime,
            Operand<TFloat32> additiveMask) {
        return attention.attendSelfRows(rows, batchAndTime, additiveMask);
    }
}
