package dev.trainer4j.tf.models;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.GenerationConfig;

import static java.util.Objects.requireNonNull;

/**
 * Settings of {@link TransformerLm}.
 *
 * @param vocabSize {@code vocab-size}: the number of token ids
 * @param hiddenSize {@code hidden-size}: the model dimension, a multiple of {@code num-heads}
 * @param numLayers {@code num-layers}: decoder blocks
 * @param numHeads {@code num-heads}: attention heads per block
 * @param intermediateSize {@code intermediate-size}: the feed-forward width
 * @param maxPosition {@code max-position}: the longest sequence (learned positions), prompt plus generated tokens
 * @param dropout {@code dropout}: drop rate of embeddings, attention probabilities and residual branches, in [0, 1)
 * @param layerNormEpsilon {@code layer-norm-epsilon}: > 0
 * @param tieWordEmbeddings {@code tie-word-embeddings}: the output projection is the token embedding table
 * @param generationConfig {@code generation-config}: the model's generation defaults (token ids are checked
 *     against the vocabulary)
 */
public record TransformerLmSettings(int vocabSize, int hiddenSize, int numLayers, int numHeads, int intermediateSize,
        int maxPosition, double dropout, double layerNormEpsilon, boolean tieWordEmbeddings,
        GenerationConfig generationConfig) {
    public TransformerLmSettings {
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
        requireNonNull(generationConfig, "generationConfig is null");
        generationConfig.resolve(vocabSize, "generation-config");
    }
}
