package dev.trainer4j.tf.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

import static java.util.Objects.requireNonNull;

/**
 * A transformer encoder block, pre-LN or post-LN ({@link NormPlacement}):
 * <ul>
 *   <li>pre-LN: {@code h = x + dropout(attention(norm1(x)))}, then {@code h + dropout(output(act(intermediate(norm2(h)))))};</li>
 *   <li>post-LN (BERT): {@code h = norm1(x + dropout(attention(x)))}, then
 *       {@code norm2(h + dropout(output(act(intermediate(h)))))}.</li>
 * </ul>
 * Child scopes: {@code attention_norm} (norm1), {@code attention}, {@code attention_dropout}, {@code ffn_norm}
 * (norm2), {@code intermediate}, {@code output}, {@code ffn_dropout}.
 */
public final class TransformerEncoderBlock {
    private final TfModelScope scope;
    private final NormPlacement normPlacement;
    private final long hiddenSize;
    private final LayerNorm attentionNorm;
    private final MultiHeadSelfAttention attention;
    private final Dropout attentionDropout;
    private final LayerNorm ffnNorm;
    private final Dense intermediate;
    private final Dense output;
    private final Dropout ffnDropout;

    /** A pre-LN block with GELU and one dropout rate for attention probabilities and residual branches. */
    public TransformerEncoderBlock(TfModelScope scope, long hiddenSize, long numHeads, long intermediateSize,
            double dropout, double layerNormEpsilon) {
        this(scope, new TransformerBlockSettings(hiddenSize, numHeads, intermediateSize, dropout, dropout,
                layerNormEpsilon, Activation.GELU, NormPlacement.PRE));
    }

    public TransformerEncoderBlock(TfModelScope scope, TransformerBlockSettings settings) {
        this.scope = requireNonNull(scope, "scope is null");
        requireNonNull(settings, "settings is null");
        long hiddenSize = settings.hiddenSize();
        this.hiddenSize = hiddenSize;
        this.normPlacement = settings.normPlacement();
        this.attentionNorm = new LayerNorm(scope.child("attention_norm"), hiddenSize, settings.layerNormEpsilon());
        this.attention = new MultiHeadSelfAttention(scope.child("attention"), hiddenSize, settings.numHeads(),
                settings.attentionDropout());
        this.attentionDropout = new Dropout(scope.child("attention_dropout"), settings.hiddenDropout());
        this.ffnNorm = new LayerNorm(scope.child("ffn_norm"), hiddenSize, settings.layerNormEpsilon());
        this.intermediate = new Dense(scope.child("intermediate"), hiddenSize, settings.intermediateSize(),
                settings.activation());
        this.output = new Dense(scope.child("output"), settings.intermediateSize(), hiddenSize, Activation.NONE);
        this.ffnDropout = new Dropout(scope.child("ffn_dropout"), settings.hiddenDropout());
    }

    /** Applies the block to {@code x} [B, T, hidden] with the padding mask [B, T] (or null). */
    public Operand<TFloat32> apply(Operand<TFloat32> x, Operand<? extends TNumber> attentionMask) {
        return applyWithBias(x, attentionMask == null ? null : AttentionMasks.padding(scope.tf(), attentionMask));
    }

    /**
     * Applies the block to {@code x} [B, T, hidden] with an additive attention mask broadcastable to
     * [B, heads, T, T] (or null); build the mask once per model with {@link AttentionMasks} and share it.
     */
    public Operand<TFloat32> applyWithBias(Operand<TFloat32> x, Operand<TFloat32> additiveMask) {
        Ops tf = scope.tf();
        // the block works on the rows [B·T, hidden]: its norms, products, dropouts and sums are per position, so
        // only the attention needs (B, T), and the shape ops of a reshape per product and its gradient go
        Operand<TInt64> shape = tf.shape(x, TInt64.class);
        Operand<TInt64> batchAndTime = tf.slice(shape, tf.constant(new long[] {0}), tf.constant(new long[] {2}));
        Operand<TFloat32> rows = tf.reshape(x, tf.constant(new long[] {-1, hiddenSize}));
        Operand<TFloat32> result;
        if (normPlacement == NormPlacement.POST) {
            Operand<TFloat32> h = attentionNorm.apply(tf.math.add(rows,
                    attentionDropout.apply(attention.applyRowsWithBias(rows, batchAndTime, additiveMask))));
            Operand<TFloat32> fed = output.apply(intermediate.apply(h));
            result = ffnNorm.apply(tf.math.add(h, ffnDropout.apply(fed)));
        } else {
            Operand<TFloat32> attended = attention.applyRowsWithBias(attentionNorm.apply(rows), batchAndTime,
                    additiveMask);
            Operand<TFloat32> h = tf.math.add(rows, attentionDropout.apply(attended));
            Operand<TFloat32> fed = output.apply(intermediate.apply(ffnNorm.apply(h)));
            result = tf.math.add(h, ffnDropout.apply(fed));
        }
        return tf.reshape(result, shape);
    }
}
