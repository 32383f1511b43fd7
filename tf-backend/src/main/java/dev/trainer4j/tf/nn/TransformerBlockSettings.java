package dev.trainer4j.tf.nn;

import static java.util.Objects.requireNonNull;

/**
 * The sizes and options of a {@link TransformerEncoderBlock}.
 *
 * @param hiddenSize the model dimension, a multiple of {@code numHeads}
 * @param numHeads attention heads
 * @param intermediateSize the feed-forward width
 * @param hiddenDropout the drop rate of the residual branches (after attention and after the feed-forward)
 * @param attentionDropout the drop rate of the attention probabilities
 * @param layerNormEpsilon added to the variance in each LayerNorm, > 0
 * @param activation the feed-forward activation
 * @param normPlacement pre-LN or post-LN
 */
public record TransformerBlockSettings(long hiddenSize, long numHeads, long intermediateSize, double hiddenDropout,
        double attentionDropout, double layerNormEpsilon, Activation activation, NormPlacement normPlacement) {
    public TransformerBlockSettings {
        if (hiddenSize <= 0 || numHeads <= 0 || intermediateSize <= 0 || hiddenSize % numHeads != 0) {
            throw new IllegalArgumentException("transformer block: hidden size " + hiddenSize + ", heads " + numHeads
                    + " and intermediate size " + intermediateSize
                    + " must be positive, with the hidden size a multiple of the heads");
        }
        requireNonNull(activation, "activation is null");
        requireNonNull(normPlacement, "normPlacement is null");
    }
}
