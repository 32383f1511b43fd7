package dev.trainer4j.tf.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * A pre-LN transformer decoder block: causal self-attention over the prefix, optionally cross-attention over an
 * encoder's states, then the feed-forward:
 * <pre>
 * h = x + dropout(self_attention(norm1(x)))
 * h = h + dropout(cross_attention(norm2(h), encoder))      (encoder-decoder only)
 * y = h + dropout(output(gelu(intermediate(norm3(h)))))
 * </pre>
 * Child scopes: {@code self_attention_norm}, {@code self_attention}, {@code cross_attention_norm},
 * {@code cross_attention} (encoder-decoder only), {@code ffn_norm}, {@code intermediate}, {@code output}, and the
 * dropouts. The training pass and the generation steps go through the same {@link #apply}: a step passes the cached
 * keys and values of the earlier positions and gets them back with the new positions appended.
 */
public final class TransformerDecoderBlock {
    private final TfModelScope scope;
    private final LayerNorm selfAttentionNorm;
    private final MultiHeadAttention selfAttention;
    private final Dropout selfAttentionDropout;
    private final LayerNorm crossAttentionNorm;
    private final MultiHeadAttention crossAttention;
    private final Dropout crossAttentionDropout;
    private final LayerNorm ffnNorm;
    private final Dense intermediate;
    private final Dense output;
    private final Dropout ffnDropout;

    /**
     * @param crossAttention true for a decoder that attends over an encoder (seq2seq), false for decoder-only
     */
    public TransformerDecoderBlock(TfModelScope scope, long hiddenSize, long numHeads, long intermediateSize,
            double dropout, double layerNormEpsilon, boolean crossAttention) {
        this.scope = requireNonNull(scope, "scope is null");
        this.selfAttentionNorm = new LayerNorm(scope.child("self_attention_norm"), hiddenSize, layerNormEpsilon);
        this.selfAttention = new MultiHeadAttention(scope.child("self_attention"), hiddenSize, numHeads, dropout);
        this.selfAttentionDropout = new Dropout(scope.child("self_attention_dropout"), dropout);
        if (crossAttention) {
            this.crossAttentionNorm = new LayerNorm(scope.child("cross_attention_norm"), hiddenSize, layerNormEpsilon);
            this.crossAttention = new MultiHeadAttention(scope.child("cross_attention"), hiddenSize, numHeads, dropout);
            this.crossAttentionDropout = new Dropout(scope.child("cross_attention_dropout"), dropout);
        } else {
            this.crossAttentionNorm = null;
            this.crossAttention = null;
            this.crossAttentionDropout = null;
        }
        this.ffnNorm = new LayerNorm(scope.child("ffn_norm"), hiddenSize, layerNormEpsilon);
        this.intermediate = new Dense(scope.child("intermediate"), hiddenSize, intermediateSize, Activation.GELU);
        this.output = new Dense(scope.child("output"), intermediateSize, hiddenSize, Activation.NONE);
        this.ffnDropout = new Dropout(scope.child("ffn_dropout"), dropout);
    }

    /** The cross-attention keys of the encoder states [B, S, hidden]: [B, heads, S, head] (computed once per input). */
    public Operand<TFloat32> crossKeys(Operand<TFloat32> encoderStates) {
        return requireCross().keys(encoderStates);
    }

    /** The cross-attention values of the encoder states [B, S, hidden]: [B, heads, S, head]. */
    public Operand<TFloat32> crossValues(Operand<TFloat32> encoderStates) {
        return requireCross().values(encoderStates);
    }

    /**
     * Applies the block to the new positions {@code x} [B, T, hidden].
     *
     * @param pastKeys the self-attention keys of the earlier positions [B, heads, P, head], or null when there are
     *        none (training, or the first step)
     * @param pastValues their values, null with {@code pastKeys}
     * @param selfMask an additive bias broadcastable to [B, heads, T, P + T] (causal plus key padding)
     * @param cross the encoder's keys, values and padding bias, or null for a decoder-only block
     * @return the new states and the self-attention keys and values of all P + T positions
     */
    public DecoderBlockOutput apply(Operand<TFloat32> x, Operand<TFloat32> pastKeys, Operand<TFloat32> pastValues,
            Operand<TFloat32> selfMask, CrossAttentionInputs cross) {
        Ops tf = scope.tf();
        Operand<TFloat32> normed = selfAttentionNorm.apply(x);
        Operand<TFloat32> keys = selfAttention.keys(normed);
        Operand<TFloat32> values = selfAttention.values(normed);
        if (pastKeys != null) {
            keys = tf.concat(List.of(pastKeys, keys), tf.constant(2));
            values = tf.concat(List.of(pastValues, values), tf.constant(2));
        }
        Operand<TFloat32> h = tf.math.add(x,
                selfAttentionDropout.apply(selfAttention.attend(normed, keys, values, selfMask)));
        if (crossAttention != null) {
            requireNonNull(cross, "an encoder-decoder block needs the encoder's keys and values");
            Operand<TFloat32> attended = crossAttention.attend(crossAttentionNorm.apply(h), cross.keys(),
                    cross.values(), cross.mask());
            h = tf.math.add(h, crossAttentionDropout.apply(attended));
        }
        Operand<TFloat32> fed = output.apply(intermediate.apply(ffnNorm.apply(h)));
        return new DecoderBlockOutput(tf.math.add(h, ffnDropout.apply(fed)), keys, values);
    }

    private MultiHeadAttention requireCross() {
        if (crossAttention == null) {
            throw new IllegalStateException("decoder block " + scope.path() + " has no cross-attention");
        }
        return crossAttention;
    }

    /**
     * What cross-attention attends over.
     *
     * @param keys [B, heads, S, head]
     * @param values [B, heads, S, head]
     * @param mask an additive padding bias [B, 1, 1, S], or null
     */
    public record CrossAttentionInputs(Operand<TFloat32> keys, Operand<TFloat32> values, Operand<TFloat32> mask) {
        public CrossAttentionInputs {
            requireNonNull(keys, "keys is null");
            requireNonNull(values, "values is null");
        }
    }

    /**
     * @param states [B, T, hidden]
     * @param keys the self-attention keys of all positions so far [B, heads, P + T, head]
     * @param values their values
     */
    public record DecoderBlockOutput(Operand<TFloat32> states, Operand<TFloat32> keys, Operand<TFloat32> values) {
    }
}
