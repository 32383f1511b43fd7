package dev.trainer4j.tf.models;

import dev.trainer4j.tf.generate.TfGenerativeModel.DecoderStepOutput;
import dev.trainer4j.tf.generate.TfGenerativeModel.LayerCache;
import dev.trainer4j.tf.nn.Dense;
import dev.trainer4j.tf.nn.Activation;
import dev.trainer4j.tf.nn.Dropout;
import dev.trainer4j.tf.nn.Embedding;
import dev.trainer4j.tf.nn.LayerNorm;
import dev.trainer4j.tf.nn.TfInitializers;
import dev.trainer4j.tf.nn.TfModelScope;
import dev.trainer4j.tf.nn.TransformerDecoderBlock;
import dev.trainer4j.tf.nn.TransformerDecoderBlock.CrossAttentionInputs;
import dev.trainer4j.tf.nn.TransformerDecoderBlock.DecoderBlockOutput;
import dev.trainer4j.tf.nn.VariableRole;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.linalg.MatMul;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The decoder shared by {@link TransformerLm} and {@link TransformerSeq2Seq}: token embeddings plus learned
 * positions at the given position ids, dropout, pre-LN {@link TransformerDecoderBlock}s ({@code decoder/layer_<i>}),
 * a final LayerNorm ({@code decoder/final_norm}) and the output projection {@code lm_head}: tied to the token
 * embeddings ({@code logits = h·E^T + lm_head/bias}) or its own ({@code lm_head/kernel}, {@code lm_head/bias}). The
 * training pass and every generation step run through {@link #run}.
 */
final class DecoderStack {
    static final String LM_HEAD = "lm_head";

    private final TfModelScope scope;
    private final Embedding words;
    private final Embedding positions;
    private final Dropout embeddingDropout;
    private final List<TransformerDecoderBlock> layers = new ArrayList<>();
    private final LayerNorm finalNorm;
    private final Dense untiedHead;
    private final Operand<TFloat32> tiedBias;
    private final long vocabularySize;

    /**
     * @param scope the model's root scope
     * @param words the decoder's token embeddings
     * @param positionScope where the position table lives, e.g. {@code embeddings/position}
     */
    DecoderStack(TfModelScope scope, Embedding words, TfModelScope positionScope, int numLayers, long hidden,
            long heads, long intermediate, int maxPosition, double dropout, double epsilon, boolean crossAttention,
            boolean tieWordEmbeddings) {
        this.scope = requireNonNull(scope, "scope is null");
        this.words = requireNonNull(words, "words is null");
        this.vocabularySize = words.size();
        this.positions = new Embedding(positionScope, maxPosition, hidden);
        this.embeddingDropout = new Dropout(positionScope.child("dropout"), dropout);
        TfModelScope decoder = scope.child("decoder");
        for (int i = 0; i < numLayers; i++) {
            layers.add(new TransformerDecoderBlock(decoder.child("layer_" + i), hidden, heads, intermediate, dropout,
                    epsilon, crossAttention));
        }
        this.finalNorm = new LayerNorm(decoder.child("final_norm"), hidden, epsilon);
        TfModelScope head = scope.child(LM_HEAD);
        if (tieWordEmbeddings) {
            this.untiedHead = null;
            this.tiedBias = head.variable("bias", Shape.of(vocabularySize), TfInitializers.zeros(), VariableRole.BIAS);
        } else {
            this.untiedHead = new Dense(head, hidden, vocabularySize, Activation.NONE);
            this.tiedBias = null;
        }
    }

    List<TransformerDecoderBlock> layers() {
        return layers;
    }

    /**
     * Runs the decoder over new tokens.
     *
     * @param tokens [B, T]
     * @param positionIds [B, T] or [T]
     * @param past per layer the cached keys/values, or null (training: no cache)
     * @param selfMask additive bias broadcastable to [B, heads, T, P + T]
     * @param cross per layer the encoder's keys/values (encoder-decoder), else null
     * @param crossMask the encoder's padding bias, or null
     * @return logits [B, T, vocabulary] and each layer's keys/values of all positions
     */
    DecoderStepOutput run(Operand<TInt32> tokens, Operand<? extends org.tensorflow.types.family.TNumber> positionIds,
            List<LayerCache> past, Operand<TFloat32> selfMask, List<LayerCache> cross, Operand<TFloat32> crossMask) {
        Ops tf = scope.tf();
        Operand<TFloat32> states = tf.math.add(words.apply(tokens), positions.apply(positionIds));
        states = embeddingDropout.apply(states);
        List<LayerCache> present = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            LayerCache layerPast = past == null ? null : past.get(i);
            CrossAttentionInputs crossInputs = cross == null ? null
                    : new CrossAttentionInputs(cross.get(i).keys(), cross.get(i).values(), crossMask);
            TransformerDecoderBlock layer = layers.get(i);
            if (layerPast == null) {
                // no cache (training, evaluation): the layer may be recomputed in the backward pass
                // (gradient-checkpointing); its keys and values are those of the forward pass
                DecoderBlockOutput[] forward = new DecoderBlockOutput[1];
                states = scope.checkpoint(states, input -> {
                    DecoderBlockOutput output = layer.apply(input, null, null, selfMask, crossInputs);
                    if (forward[0] == null) {
                        forward[0] = output;
                    }
                    return output.states();
                });
                present.add(new LayerCache(forward[0].keys(), forward[0].values()));
            }
            else {
                DecoderBlockOutput output = layer.apply(states, layerPast.keys(), layerPast.values(), selfMask,
                        crossInputs);
                states = output.states();
                present.add(new LayerCache(output.keys(), output.values()));
            }
        }
        states = finalNorm.apply(states);
        return new DecoderStepOutput(logits(tf, states), present);
    }

    /** [B, T, hidden] → [B, T, vocabulary]. */
    private Operand<TFloat32> logits(Ops tf, Operand<TFloat32> states) {
        if (untiedHead != null) {
            return untiedHead.apply(states);
        }
        long hidden = words.dimension();
        Operand<TFloat32> flat = tf.reshape(states, tf.constant(new long[] {-1, hidden}));
        Operand<TFloat32> product = tf.nn.biasAdd(tf.linalg.matMul(flat, words.table(), MatMul.transposeB(true)),
                tiedBias);
        Operand<TInt64> batchAndTime = tf.slice(tf.shape(states, TInt64.class), tf.constant(new long[] {0}),
                tf.constant(new long[] {2}));
        return tf.reshape(product, tf.concat(List.of(batchAndTime, tf.constant(new long[] {vocabularySize})),
                tf.constant(0)));
    }

    /** The logits of the last position: [B, T, V] → [B, V]. */
    static Operand<TFloat32> lastPosition(Ops tf, Operand<TFloat32> logits) {
        Operand<TInt32> last = tf.math.sub(tf.dtypes.cast(tf.gather(tf.shape(logits), tf.constant(1), tf.constant(0)),
                TInt32.class), tf.constant(1));
        return tf.gather(logits, last, tf.constant(1));
    }
}
