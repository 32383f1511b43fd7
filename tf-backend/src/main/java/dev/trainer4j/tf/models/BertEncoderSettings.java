package dev.trainer4j.tf.models;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.tf.nn.Activation;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Settings of {@link BertEncoder} (the names in brackets are HF's {@code BertConfig} keys).
 *
 * @param vocabSize {@code vocab-size} ({@code vocab_size}): rows of the word embedding table
 * @param hiddenSize {@code hidden-size} ({@code hidden_size}): a multiple of {@code num-heads}
 * @param numLayers {@code num-layers} ({@code num_hidden_layers})
 * @param numHeads {@code num-heads} ({@code num_attention_heads})
 * @param intermediateSize {@code intermediate-size} ({@code intermediate_size}): the feed-forward width
 * @param maxPosition {@code max-position} ({@code max_position_embeddings}): the longest input; longer is an error
 * @param typeVocabSize {@code type-vocab-size} ({@code type_vocab_size}): token types (segments)
 * @param layerNormEps {@code layer-norm-eps} ({@code layer_norm_eps}), > 0
 * @param hiddenDropout {@code hidden-dropout} ({@code hidden_dropout_prob}): embeddings, residual branches and the
 *        head's input, in [0, 1)
 * @param attentionDropout {@code attention-dropout} ({@code attention_probs_dropout_prob}), in [0, 1)
 * @param hiddenAct {@code hidden-act} ({@code hidden_act}): {@code gelu} (exact erf form) or {@code gelu_new}, ...
 * @param tokenTypeIds {@code token-type-ids}: declare the {@code token_type_ids} input; false gives every token type
 *        0, as HF does when none is passed
 * @param head {@code head}
 * @param pooling {@code pooling}: for sequence classification, {@code cls} (HF's pooler: tanh(dense([CLS]))) or
 *        {@code mean} (over the attention mask)
 * @param numLabels {@code num-labels}: classes of the classification heads (1: regression for sequences)
 * @param freeze {@code freeze}: globs over variable names ({@code *} matches any characters, {@code /} too) whose
 *        variables do not train
 * @param layerWiseLrDecay {@code layer-wise-lr-decay}: in (0, 1]; encoder layer l (0-based) of L trains at
 *        lr·decay^(L−l), the embeddings at lr·decay^(L+1), the pooler and the head at lr
 */
public record BertEncoderSettings(int vocabSize, int hiddenSize, int numLayers, int numHeads, int intermediateSize,
        int maxPosition, int typeVocabSize, double layerNormEps, double hiddenDropout, double attentionDropout,
        Activation hiddenAct, boolean tokenTypeIds, BertHead head, Pooling pooling, int numLabels, List<String> freeze,
        double layerWiseLrDecay) {
    public BertEncoderSettings {
        SettingsChecks.positive("vocab-size", vocabSize);
        SettingsChecks.positive("hidden-size", hiddenSize);
        SettingsChecks.positive("num-layers", numLayers);
        SettingsChecks.headsDivideHidden(numHeads, hiddenSize);
        SettingsChecks.positive("intermediate-size", intermediateSize);
        SettingsChecks.positive("max-position", maxPosition);
        SettingsChecks.positive("type-vocab-size", typeVocabSize);
        if (!(layerNormEps > 0)) {
            throw new ConfigurationException("layer-norm-eps", layerNormEps, "a number > 0");
        }
        SettingsChecks.rate("hidden-dropout", hiddenDropout);
        SettingsChecks.rate("attention-dropout", attentionDropout);
        requireNonNull(hiddenAct, "hiddenAct is null");
        requireNonNull(head, "head is null");
        requireNonNull(pooling, "pooling is null");
        SettingsChecks.positive("num-labels", numLabels);
        if (head == BertHead.TOKEN_CLASSIFICATION && numLabels < 2) {
            throw new ConfigurationException("num-labels", numLabels, "an integer >= 2 for token-classification");
        }
        freeze = List.copyOf(requireNonNull(freeze, "freeze is null"));
        for (String glob : freeze) {
            if (glob.isBlank()) {
                throw new ConfigurationException("freeze", freeze, "globs over variable names, e.g. \"embeddings/*\"");
            }
        }
        if (!(layerWiseLrDecay > 0 && layerWiseLrDecay <= 1)) {
            throw new ConfigurationException("layer-wise-lr-decay", layerWiseLrDecay, "a number in (0, 1] (1: off)");
        }
    }

    /** Settings of an encoder with the given sizes and BERT's defaults otherwise, for sequence classification. */
    public static BertEncoderSettings of(int vocabSize, int hiddenSize, int numLayers, int numHeads,
            int intermediateSize, int maxPosition) {
        return new BertEncoderSettings(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, maxPosition, 2,
                1e-12, 0.1, 0.1, Activation.GELU, false, BertHead.SEQUENCE_CLASSIFICATION, Pooling.CLS, 2, List.of(),
                1.0);
    }

    /** A copy with another head, pooling and number of labels. */
    public BertEncoderSettings withHead(BertHead newHead, Pooling newPooling, int newNumLabels) {
        return new BertEncoderSettings(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, maxPosition,
                typeVocabSize, layerNormEps, hiddenDropout, attentionDropout, hiddenAct, tokenTypeIds, newHead,
                newPooling, newNumLabels, freeze, layerWiseLrDecay);
    }

    /** A copy with other dropout rates. */
    public BertEncoderSettings withDropout(double newHiddenDropout, double newAttentionDropout) {
        return new BertEncoderSettings(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, maxPosition,
                typeVocabSize, layerNormEps, newHiddenDropout, newAttentionDropout, hiddenAct, tokenTypeIds, head,
                pooling, numLabels, freeze, layerWiseLrDecay);
    }

    /** A copy with the {@code token_type_ids} input declared or not. */
    public BertEncoderSettings withTokenTypeIds(boolean declared) {
        return new BertEncoderSettings(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, maxPosition,
                typeVocabSize, layerNormEps, hiddenDropout, attentionDropout, hiddenAct, declared, head, pooling,
                numLabels, freeze, layerWiseLrDecay);
    }

    /** A copy with other freeze globs and layer-wise learning-rate decay. */
    public BertEncoderSettings withTraining(List<String> newFreeze, double newLayerWiseLrDecay) {
        return new BertEncoderSettings(vocabSize, hiddenSize, numLayers, numHeads, intermediateSize, maxPosition,
                typeVocabSize, layerNormEps, hiddenDropout, attentionDropout, hiddenAct, tokenTypeIds, head, pooling,
                numLabels, newFreeze, newLayerWiseLrDecay);
    }
}
