package dev.trainer4j.tf.models;

import dev.trainer4j.api.ConfigurationException;

import static java.util.Objects.requireNonNull;

/**
 * Settings of {@link TransformerClassifier}.
 *
 * @param vocabSize {@code vocab-size}: the number of token ids
 * @param hiddenSize {@code hidden-size}: the model dimension, a multiple of {@code num-heads}
 * @param numLayers {@code num-layers}: the number of encoder blocks
 * @param numHeads {@code num-heads}: attention heads per block
 * @param intermediateSize {@code intermediate-size}: the feed-forward width
 * @param maxPosition {@code max-position}: the longest sequence (learned positions)
 * @param dropout {@code dropout}: the drop rate of embeddings, attention probabilities, residual branches and the
 *        pooled vector, in [0, 1)
 * @param layerNormEpsilon {@code layer-norm-epsilon}: > 0
 * @param pooling {@code pooling}: {@code cls} or {@code mean}
 * @param numLabels {@code num-labels}: the number of classes; 1 means regression (squared error)
 */
public record TransformerClassifierSettings(int vocabSize, int hiddenSize, int numLayers, int numHeads,
        int intermediateSize, int maxPosition, double dropout, double layerNormEpsilon, Pooling pooling,
        int numLabels) {
    public TransformerClassifierSettings {
        SettingsChecks.positive("vocab-size", vocabSize);
        SettingsChecks.positive("hidden-size", hiddenSize);
        SettingsChecks.positive("num-layers", numLayers);
        SettingsChecks.headsDivideHidden(numHeads, hiddenSize);
        SettingsChecks.positive("intermediate-size", intermediateSize);
        SettingsChecks.positive("max-position", maxPosition);
        SettingsChecks.rate("dropout", dropout);
        if (!(layerNormEpsilon > 0)) {
            throw new ConfigurationException("layer-norm-epsilon", layerNormEpsilon, "a number > 0");
        }
        requireNonNull(pooling, "pooling is null");
        SettingsChecks.positive("num-labels", numLabels);
    }
}
