package dev.trainer4j.tf.models;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.GenerationConfig;

import static java.util.Objects.requireNonNull;

/**
 * Settings of {@link TransformerSeq2Seq}.
 *
 * @param vocabSize {@code vocab-size}: the number of token ids (source and target share one vocabulary)
 * @param hiddenSize {@code hidden-size}: the model dimension, a multiple of {@code num-heads}
 * @param numEncoderLayers {@code num-encoder-layers}: encoder blocks
 * @param numDecoderLayers {@code num-decoder-layers}: decoder blocks
 * @param numHeads {@code num-heads}: attention heads per block
 * @param intermediateSize {@code intermediate-size}: the feed-forward width
 * @param maxPosition {@code max-position}: the longest source or target sequence (learned positions)
 * @param dropout {@code dropout}: drop rate of embeddings, attention probabilities and residual branches, in [0, 1)
 * @param layerNormEpsilon {@code layer-norm-epsilon}: > 0
 * @param shareEmbeddings {@code share-embeddings}: encoder and decoder use one token embedding table
 * @param tieWordEmbeddings {@code tie-word-embeddings}: the output projection is the decoder's embedding table
 * @param generationConfig {@code generation-config}: the model's generation defaults; its decoder start (else bos,
 *     else pad) and pad ids also build the decoder inputs from the labels
 */
public record TransformerSeq2SeqSettings(int vocabSize, int hiddenSize, int numEncoderLayers, int numDecoderLayers,
        int numHeads, int intermediateSize, int maxPosition, double dropout, double layerNormEpsilon,
        boolean shareEmbeddings, boolean tieWordEmbeddings, GenerationConfig generationConfig) {
    public TransformerSeq2SeqSettings {
        SettingsChecks.positive("vocab-size", vocabSize);
        SettingsChecks.positive("hidden-size", hiddenSize);
        SettingsChecks.positive("num-encoder-layers", numEncoderLayers);
        SettingsChecks.positive("num-decoder-layers", numDecoderLayers);
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

    /** The generation config resolved against the library defaults (token ids included). */
    public GenerationConfig.Resolved resolvedGeneration() {
        return generationConfig.resolve(vocabSize, "generation-config");
    }
}
