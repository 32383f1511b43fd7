package dev.trainer4j.tf.generate;

import dev.trainer4j.tf.generate.TfGenerativeModel.DecoderStepOutput;
import dev.trainer4j.tf.generate.TfGenerativeModel.LayerCache;
import dev.trainer4j.tf.nn.AttentionMasks;
import dev.trainer4j.tf.nn.TfModelScope;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The generation graph of a {@link TfGenerativeModel}, built beside the training graph on the same variables: an
 * encoder pass (encoder-decoder models) and a decoder step, both run by {@link TfDecoderSession}.
 *
 * <p>The key/value cache is <b>fed back</b>: the step takes each layer's past keys and values
 * [rows, heads, P, head] as placeholders, first reorders their rows by {@code sources} (beam search continues some
 * beams and drops others), and returns the keys and values of all P + T positions; the host feeds the returned
 * tensors to the next step as they are (they stay native; no copy to the Java heap). Only the new tokens and their
 * positions go through the decoder's dense layers, so a step costs O(P) attention instead of a pass over the whole
 * prefix. With P = 0 the same step is the plain pass over a whole sequence (the first step of a prompt, and the
 * uncached baseline).
 *
 * @param inputIds encoder input ids [rows, S] (encoder-decoder), else null
 * @param attentionMask encoder attention mask [rows, S] (encoder-decoder), else null
 * @param encoded each layer's cross-attention keys and values computed by the encoder pass (encoder-decoder)
 * @param tokens the new tokens [rows, T]
 * @param positions their positions [rows, T]
 * @param keyMask [rows, P + T]: 1 for the real tokens among the past and the new positions, 0 for padding
 * @param sources [rows]: row r continues the cache of row {@code sources[r]}
 * @param pastKeys per layer, [rows, heads, P, head]
 * @param pastValues per layer, [rows, heads, P, head]
 * @param crossKeys per layer, the fed encoder keys (encoder-decoder)
 * @param crossValues per layer, the fed encoder values (encoder-decoder)
 * @param crossMask the encoder attention mask [rows, S] fed to the step (encoder-decoder), else null
 * @param logits the next-token logits [rows, vocabulary]
 * @param presentKeys per layer, [rows, heads, P + T, head]
 * @param presentValues per layer, [rows, heads, P + T, head]
 */
public record TfGenerationGraph(TfGenerativeModel model, Placeholder<TInt32> inputIds, Placeholder<TInt32> attentionMask,
                                List<LayerCache> encoded, Placeholder<TInt32> tokens, Placeholder<TInt32> positions,
                                Placeholder<TInt32> keyMask, Placeholder<TInt32> sources,
                                List<Placeholder<TFloat32>> pastKeys, List<Placeholder<TFloat32>> pastValues,
                                List<Placeholder<TFloat32>> crossKeys, List<Placeholder<TFloat32>> crossValues,
                                Placeholder<TInt32> crossMask, Operand<TFloat32> logits,
                                List<Operand<TFloat32>> presentKeys, List<Operand<TFloat32>> presentValues) {

    public TfGenerationGraph {
        requireNonNull(model, "model is null");
        encoded = List.copyOf(encoded);
        pastKeys = List.copyOf(pastKeys);
        pastValues = List.copyOf(pastValues);
        crossKeys = List.copyOf(crossKeys);
        crossValues = List.copyOf(crossValues);
        presentKeys = List.copyOf(presentKeys);
        presentValues = List.copyOf(presentValues);
    }

    /**
     * Builds the generation graph of {@code model} under {@code scope} (evaluation mode: no dropout). The scope's
     * variables must be those of the training graph, which the model's layer names make sure of.
     */
    public static TfGenerationGraph build(TfGenerativeModel model, TfModelScope scope) {
        requireNonNull(model, "model is null");
        requireNonNull(scope, "scope is null");
        Ops tf = scope.tf();
        TfGenerativeModel.CacheLayout layout = model.cacheLayout();
        Shape cacheShape = Shape.of(-1, layout.heads(), -1, layout.headSize());

        Placeholder<TInt32> inputIds = null;
        Placeholder<TInt32> attentionMask = null;
        List<LayerCache> encoded = List.of();
        List<Placeholder<TFloat32>> crossKeys = new ArrayList<>();
        List<Placeholder<TFloat32>> crossValues = new ArrayList<>();
        Placeholder<TInt32> crossMask = null;
        List<LayerCache> cross = null;
        Operand<TFloat32> crossBias = null;
        if (model.encoderDecoder()) {
            Ops encoderOps = tf.withSubScope("encoder_inputs");
            inputIds = encoderOps.withName("input_ids").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
            attentionMask = encoderOps.withName("attention_mask")
                    .placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
            encoded = model.buildEncoder(scope, inputIds, attentionMask);
            Ops crossOps = tf.withSubScope("cross_cache");
            cross = new ArrayList<>();
            for (int layer = 0; layer < layout.layers(); layer++) {
                Placeholder<TFloat32> keys = crossOps.withName("keys_" + layer)
                        .placeholder(TFloat32.class, Placeholder.shape(cacheShape));
                Placeholder<TFloat32> values = crossOps.withName("values_" + layer)
                        .placeholder(TFloat32.class, Placeholder.shape(cacheShape));
                crossKeys.add(keys);
                crossValues.add(values);
                cross.add(new LayerCache(keys, values));
            }
            crossMask = crossOps.withName("mask").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
            crossBias = AttentionMasks.padding(tf, crossMask);
        }

        Ops stepOps = tf.withSubScope("step_inputs");
        Placeholder<TInt32> tokens = stepOps.withName("tokens").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
        Placeholder<TInt32> positions = stepOps.withName("positions")
                .placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
        Placeholder<TInt32> keyMask = stepOps.withName("key_mask")
                .placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
        Placeholder<TInt32> sources = stepOps.withName("sources").placeholder(TInt32.class, Placeholder.shape(Shape.of(-1)));
        List<Placeholder<TFloat32>> pastKeys = new ArrayList<>();
        List<Placeholder<TFloat32>> pastValues = new ArrayList<>();
        List<LayerCache> past = new ArrayList<>();
        for (int layer = 0; layer < layout.layers(); layer++) {
            Placeholder<TFloat32> keys = stepOps.withName("past_keys_" + layer)
                    .placeholder(TFloat32.class, Placeholder.shape(cacheShape));
            Placeholder<TFloat32> values = stepOps.withName("past_values_" + layer)
                    .placeholder(TFloat32.class, Placeholder.shape(cacheShape));
            pastKeys.add(keys);
            pastValues.add(values);
            past.add(new LayerCache(tf.gather(keys, sources, tf.constant(0)), tf.gather(values, sources, tf.constant(0))));
        }
        // [rows, 1, P + T] has the key length at dimension 2, as the causal mask over a cache expects
        Operand<TFloat32> selfMask = tf.math.add(
                AttentionMasks.causalOverCache(tf, tokens, tf.expandDims(keyMask, tf.constant(1))),
                AttentionMasks.padding(tf, keyMask));
        DecoderStepOutput step = model.buildDecoderStep(scope, tokens, positions, past, selfMask,
                cross == null ? List.of() : cross, crossBias);
        List<Operand<TFloat32>> presentKeys = new ArrayList<>();
        List<Operand<TFloat32>> presentValues = new ArrayList<>();
        for (LayerCache layer : step.present()) {
            presentKeys.add(layer.keys());
            presentValues.add(layer.values());
        }
        return new TfGenerationGraph(model, inputIds, attentionMask, encoded, tokens, positions, keyMask, sources,
                pastKeys, pastValues, crossKeys, crossValues, crossMask, step.logits(), presentKeys, presentValues);
    }
}
