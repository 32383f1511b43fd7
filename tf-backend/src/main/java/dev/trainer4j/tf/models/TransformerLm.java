package dev.trainer4j.tf.models;

import dev.trainer4j.api.DataType;
import dev.trainer4j.api.GenerationConfig;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.tf.generate.TfGenerativeModel;
import dev.trainer4j.tf.nn.AttentionMasks;
import dev.trainer4j.tf.nn.CrossEntropyLoss;
import dev.trainer4j.tf.nn.Embedding;
import dev.trainer4j.tf.nn.LossSum;
import dev.trainer4j.tf.nn.TfModelScope;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A decoder-only causal language model (GPT-style, pre-LN): {@code input_ids} INT32 [-1, -1] and optional
 * {@code attention_mask} → token embeddings plus learned positions → {@code num-layers} causal
 * {@code TransformerDecoderBlock}s → final LayerNorm → {@code logits} [-1, -1, vocab-size]. With {@code labels}
 * INT32 [-1, -1] (usually the input ids, -100 on padding) the loss is HF's causal-LM loss: position t predicts
 * label t + 1 (the shift happens inside the loss, {@link LabelShift}), -100 ignored, as a sum with its item count.
 *
 * <p>Positions count the tokens of the attention mask ({@code cumsum(mask) - 1}), so a left-padded prompt starts
 * at position 0 as a right-padded one does; without a mask they are 0..T-1.
 *
 * <p>Variables: {@code embeddings/word/embeddings}, {@code embeddings/position/embeddings},
 * {@code decoder/layer_<i>/{self_attention_norm,ffn_norm}/{gamma,beta}},
 * {@code decoder/layer_<i>/self_attention/{query,key,value,output}/{kernel,bias}},
 * {@code decoder/layer_<i>/{intermediate,output}/{kernel,bias}}, {@code decoder/final_norm/{gamma,beta}},
 * {@code lm_head/bias} and, without tied embeddings, {@code lm_head/kernel}.
 */
public final class TransformerLm implements TfGenerativeModel {
    public static final String NAME = "transformer-lm";
    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String LABELS = "labels";
    public static final String LOGITS = "logits";

    private final TransformerLmSettings settings;

    public TransformerLm(TransformerLmSettings settings) {
        this.settings = requireNonNull(settings, "settings is null");
    }

    public TransformerLmSettings settings() {
        return settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Each row is its own sequence and its loss depends only on it. */
    @Override
    public boolean rowIndependent() {
        return true;
    }

    @Override
    public List<InputSpec> inputs() {
        return List.of(
                InputSpec.feature(INPUT_IDS, DataType.INT32, -1, -1),
                InputSpec.feature(ATTENTION_MASK, DataType.INT32, -1, -1),
                InputSpec.label(LABELS, DataType.INT32, -1, -1));
    }

    @Override
    public ModelOutput<Operand<?>> build(TfModelScope scope, Map<String, Operand<?>> inputs) {
        requireNonNull(scope, "scope is null");
        requireNonNull(inputs, "inputs is null");
        Ops tf = scope.tf();
        Operand<TInt32> ids = ModelInputs.required(tf, NAME, inputs, INPUT_IDS, TInt32.class);
        Operand<TInt32> mask = ModelInputs.optional(tf, inputs, ATTENTION_MASK, TInt32.class);
        Operand<TInt32> positions = mask == null
                ? tf.range(tf.constant(0), tf.gather(tf.shape(ids), tf.constant(1), tf.constant(0)), tf.constant(1))
                : tf.math.maximum(tf.math.sub(tf.math.cumsum(mask, tf.constant(1)), tf.constant(1)), tf.constant(0));
        Operand<TFloat32> selfMask = AttentionMasks.causal(tf, ids);
        if (mask != null) {
            selfMask = tf.math.add(selfMask, AttentionMasks.padding(tf, mask));
        }
        Operand<TFloat32> logits = decoder(scope).run(ids, positions, null, selfMask, null, null).logits();
        Map<String, Operand<?>> outputs = Map.of(LOGITS, logits);
        Operand<TInt32> labels = ModelInputs.optional(tf, inputs, LABELS, TInt32.class);
        if (labels == null) {
            return ModelOutput.of(outputs);
        }
        LossSum loss = new CrossEntropyLoss().compute(tf, LabelShift.nextTokenLogits(tf, logits),
                LabelShift.nextTokenLabels(tf, labels));
        return ModelOutput.withLoss(loss.sum(), loss.count(), outputs);
    }

    private DecoderStack decoder(TfModelScope scope) {
        TfModelScope embeddings = scope.child("embeddings");
        Embedding words = new Embedding(embeddings.child("word"), settings.vocabSize(), settings.hiddenSize());
        return new DecoderStack(scope, words, embeddings.child("position"), settings.numLayers(),
                settings.hiddenSize(), settings.numHeads(), settings.intermediateSize(), settings.maxPosition(),
                settings.dropout(), settings.layerNormEpsilon(), false, settings.tieWordEmbeddings());
    }

    @Override
    public boolean encoderDecoder() {
        return false;
    }

    @Override
    public int vocabularySize() {
        return settings.vocabSize();
    }

    @Override
    public int maxPositions() {
        return settings.maxPosition();
    }

    @Override
    public CacheLayout cacheLayout() {
        return new CacheLayout(settings.numLayers(), settings.numHeads(), settings.hiddenSize() / settings.numHeads());
    }

    @Override
    public GenerationConfig generationConfig() {
        return settings.generationConfig();
    }

    @Override
    public DecoderStepOutput buildDecoderStep(TfModelScope scope, Operand<TInt32> tokens, Operand<TInt32> positions,
            List<LayerCache> past, Operand<TFloat32> selfMask, List<LayerCache> cross, Operand<TFloat32> crossMask) {
        DecoderStepOutput output = decoder(scope).run(tokens, positions, past, selfMask, null, null);
        return new DecoderStepOutput(DecoderStack.lastPosition(scope.tf(), output.logits()), output.present());
    }
}
