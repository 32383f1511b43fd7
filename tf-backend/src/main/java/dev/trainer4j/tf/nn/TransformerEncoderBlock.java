package dev.trainer4j.tf.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

import static java.util.Objects.requireNonNull;

/**
 * A pre-LN transformer encoder block: {@code h = x + dropout(attention(norm(x)))}, then
 * {@code h + dropout(output(gelu(intermediate(norm(h)))))}. Child scopes: {@code attention_norm},
 * {@code attention}, {@code attention_dropout}, {@code ffn_norm}, {@code intermediate}, {@code output},
 * {@code ffn_dropout}.
 */
public final class TransformerEncoderBlock {
    private final TfModelScope scope;
    private final LayerNorm attentionNorm;
    private final MultiHeadSelfAttention attention;
    private final Dropout attentionDropout;
    private final LayerNorm ffnNorm;
    private final Dense intermediate;
    private final Dense output;
    private final Dropout ffnDropout;

    public TransformerEncoderBlock(TfModelScope scope, long hiddenSize, long numHeads, long intermediateSize,
            double dropout, double layerNormEpsilon) {
        this.scope = requireNonNull(scope, "scope is null");
        this.attentionNorm = new LayerNorm(scope.child("attention_norm"), hiddenSize, layerNormEpsilon);
        this.attention = new MultiHeadSelfAttention(scope.child("attention"), hiddenSize, numHeads, dropout);
        this.attentionDropout = new Dropout(scope.child("attention_dropout"), dropout);
        this.ffnNorm = new LayerNorm(scope.child("ffn_norm"), hiddenSize, layerNormEpsilon);
        this.intermediate = new Dense(scope.child("intermediate"), hiddenSize, intermediateSize, Activation.GELU);
        this.output = new Dense(scope.child("output"), intermediateSize, hiddenSize, Activation.NONE);
        this.ffnDropout = new Dropout(scope.child("ffn_dropout"), dropout);
    }

    /** Applies the block to {@code x} [B, T, hidden] with the padding mask [B, T] (or null). */
    public Operand<TFloat32> apply(Operand<TFloat32> x, Operand<? extends TNumber> attentionMask) {
        Ops tf = scope.tf();
        Operand<TFloat32> attended = attention.apply(attentionNorm.apply(x), attentionMask);
        Operand<TFloat32> h = tf.math.add(x, attentionDropout.apply(attended));
        Operand<TFloat32> fed = output.apply(intermediate.apply(ffnNorm.apply(h)));
        return tf.math.add(h, ffnDropout.apply(fed));
    }
}
