package dev.trainer4j.tf.generate;

import dev.trainer4j.api.GenerationConfig;
import dev.trainer4j.tf.TfModel;
import dev.trainer4j.tf.nn.TfModelScope;
import org.tensorflow.Operand;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.util.List;

/**
 * A {@link TfModel} that generates text token by token: a decoder-only language model or an encoder-decoder. The
 * engine builds, beside the training graph and on the same variables, an encoder pass (encoder-decoder only) and a
 * decoder step ({@link TfGenerationGraph}); {@link TokenSearch} drives them from the host.
 *
 * <p>The key/value cache is fed back, not held in the graph: a step takes each decoder layer's keys and values of the
 * earlier positions [rows, heads, past, head] and returns them with the new positions appended; the engine feeds
 * the returned tensors to the next step without copying them to the Java heap.
 */
public interface TfGenerativeModel extends TfModel {

    /** True for an encoder-decoder (the encoder runs once per batch), false for a decoder-only model. */
    boolean encoderDecoder();

    /** The number of token ids (the width of the logits). */
    int vocabularySize();

    /** The longest decoder sequence the model's positions allow. */
    int maxPositions();

    /** The decoder's cache shape: layers, heads and head size. */
    CacheLayout cacheLayout();

    /** The model's generation config (its {@code generation-config} block and its defaults, e.g. token ids). */
    GenerationConfig generationConfig();

    /**
     * Builds the encoder pass (encoder-decoder only).
     *
     * @param inputIds [rows, source length]
     * @param attentionMask [rows, source length], 1 for tokens
     * @return each decoder layer's cross-attention keys and values [rows, heads, source length, head]
     */
    default List<LayerCache> buildEncoder(TfModelScope scope, Operand<TInt32> inputIds, Operand<TInt32> attentionMask) {
        throw new UnsupportedOperationException("model '" + name() + "' has no encoder");
    }

    /**
     * Builds one decoder step over T new positions (T = 1 while generating; the prompt at once for the first step of
     * a decoder-only model).
     *
     * @param tokens [rows, T]
     * @param positions [rows, T], the position of each new token
     * @param past each layer's keys and values of the earlier positions [rows, heads, P, head] (P may be 0)
     * @param selfMask additive bias broadcastable to [rows, heads, T, P + T]: causal plus key padding
     * @param cross each layer's cross-attention keys and values (encoder-decoder), else empty
     * @param crossMask the encoder's additive padding bias [rows, 1, 1, S] (encoder-decoder), else null
     */
    DecoderStepOutput buildDecoderStep(TfModelScope scope, Operand<TInt32> tokens, Operand<TInt32> positions,
            List<LayerCache> past, Operand<TFloat32> selfMask, List<LayerCache> cross, Operand<TFloat32> crossMask);

    /** One layer's keys and values [rows, heads, length, head]. */
    record LayerCache(Operand<TFloat32> keys, Operand<TFloat32> values) {
    }

    /**
     * @param logits the next-token logits at the last new position [rows, vocabulary]
     * @param present each layer's keys and values of all P + T positions
     */
    record DecoderStepOutput(Operand<TFloat32> logits, List<LayerCache> present) {
        public DecoderStepOutput {
            present = List.copyOf(present);
        }
    }

    /** The shape of the cache: {@code layers} entries of [rows, heads, length, headSize]. */
    record CacheLayout(int layers, int heads, int headSize) {
    }
}
