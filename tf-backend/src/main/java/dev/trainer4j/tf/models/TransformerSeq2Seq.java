package dev.trainer4j.tf.models;

import dev.trainer4j.api.DataType;
import dev.trainer4j.api.GenerationConfig;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.tf.generate.TfGenerativeModel;
import dev.trainer4j.tf.nn.AttentionMasks;
import dev.trainer4j.tf.nn.CrossEntropyLoss;
import dev.trainer4j.tf.nn.Dropout;
import dev.trainer4j.tf.nn.Embedding;
import dev.trainer4j.tf.nn.LayerNorm;
import dev.trainer4j.tf.nn.LossSum;
import dev.trainer4j.tf.nn.PositionalEmbedding;
import dev.trainer4j.tf.nn.TfModelScope;
import dev.trainer4j.tf.nn.TransformerDecoderBlock;
import dev.trainer4j.tf.nn.TransformerEncoderBlock;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A pre-LN transformer encoder-decoder (the original Transformer's layout with pre-LN blocks): {@code input_ids} and
 * {@code attention_mask} INT32 [-1, -1] → encoder ({@code num-encoder-layers} {@link TransformerEncoderBlock}s) →
 * decoder ({@code num-decoder-layers} {@link TransformerDecoderBlock}s with causal self-attention and
 * cross-attention over the encoder) → {@code logits} [-1, -1, vocab-size]. With {@code labels} INT32 [-1, -1]
 * (target ids, -100 on padding) the decoder inputs are the labels shifted right behind the decoder start token with
 * -100 → pad ({@link LabelShift#decoderInputs}), and the loss is the cross-entropy of every label item. Without
 * labels the decoder gets only the start token ({@code logits} [-1, 1, vocab-size]); use generation to produce text.
 *
 * <p>Variables: {@code embeddings/word/embeddings} (shared) or {@code embeddings/encoder_word/embeddings} and
 * {@code embeddings/decoder_word/embeddings}; {@code embeddings/encoder_position/embeddings},
 * {@code embeddings/decoder_position/embeddings}; {@code encoder/layer_<i>/...} as in
 * {@link TransformerClassifier}, {@code encoder/final_norm}; {@code decoder/layer_<i>/...} with
 * {@code cross_attention_norm} and {@code cross_attention}, {@code decoder/final_norm}; {@code lm_head/bias} and,
 * without tied embeddings, {@code lm_head/kernel}.
 */
public final class TransformerSeq2Seq implements TfGenerativeModel {
    public static final String NAME = "transformer-seq2seq";
    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String LABELS = "labels";
    public static final String LOGITS = "logits";

    private final TransformerSeq2SeqSettings settings;

    public TransformerSeq2Seq(TransformerSeq2SeqSettings settings) {
        this.settings = requireNonNull(settings, "settings is null");
    }

    public TransformerSeq2SeqSettings settings() {
        return settings;
    }

    @Override
    public String name() {
        return NAME;
    }

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
        Operand<TInt32> labels = ModelInputs.optional(tf, inputs, LABELS, TInt32.class);
        GenerationConfig.Resolved tokens = settings.resolvedGeneration();

        List<LayerCache> cross = buildEncoder(scope, ids, mask);
        Operand<TInt32> decoderInputs = labels != null
                ? LabelShift.decoderInputs(tf, labels, tokens.decoderStartTokenId(), tokens.padTokenId())
                : tf.fill(tf.stack(List.of(tf.gather(tf.shape(ids), tf.constant(0), tf.constant(0)), tf.constant(1))),
                        tf.constant(tokens.decoderStartTokenId()));
        Operand<TInt32> positions = tf.range(tf.constant(0),
                tf.gather(tf.shape(decoderInputs), tf.constant(1), tf.constant(0)), tf.constant(1));
        Operand<TFloat32> crossMask = mask == null ? null : AttentionMasks.padding(tf, mask);
        Operand<TFloat32> logits = decoder(scope).run(decoderInputs, positions, null,
                AttentionMasks.causal(tf, decoderInputs), cross, crossMask).logits();
        Map<String, Operand<?>> outputs = Map.of(LOGITS, logits);
        if (labels == null) {
            return ModelOutput.of(outputs);
        }
        LossSum loss = new CrossEntropyLoss().compute(tf, logits, labels);
        return ModelOutput.withLoss(loss.sum(), loss.count(), outputs);
    }

    @Override
    public List<LayerCache> buildEncoder(TfModelScope scope, Operand<TInt32> inputIds, Operand<TInt32> attentionMask) {
        Ops tf = scope.tf();
        long hidden = settings.hiddenSize();
        TfModelScope embeddings = scope.child("embeddings");
        Operand<TFloat32> states = encoderWords(embeddings).apply(inputIds);
        states = new PositionalEmbedding(embeddings.child("encoder_position"), settings.maxPosition(), hidden)
                .apply(states);
        states = new Dropout(embeddings.child("encoder_dropout"), settings.dropout()).apply(states);
        TfModelScope encoder = scope.child("encoder");
        Operand<TFloat32> padding = attentionMask == null ? null : AttentionMasks.padding(tf, attentionMask);
        for (int i = 0; i < settings.numEncoderLayers(); i++) {
            TransformerEncoderBlock block = new TransformerEncoderBlock(encoder.child("layer_" + i), hidden,
                    settings.numHeads(), settings.intermediateSize(), settings.dropout(), settings.layerNormEpsilon());
            states = scope.checkpoint(states, input -> block.applyWithBias(input, padding));
        }
        states = new LayerNorm(encoder.child("final_norm"), hidden, settings.layerNormEpsilon()).apply(states);
        List<LayerCache> cross = new ArrayList<>();
        for (TransformerDecoderBlock block : decoder(scope).layers()) {
            cross.add(new LayerCache(block.crossKeys(states), block.crossValues(states)));
        }
        return cross;
    }

    @Override
    public DecoderStepOutput buildDecoderStep(TfModelScope scope, Operand<TInt32> tokens, Operand<TInt32> positions,
            List<LayerCache> past, Operand<TFloat32> selfMask, List<LayerCache> cross, Operand<TFloat32> crossMask) {
        DecoderStepOutput output = decoder(scope).run(tokens, positions, past, selfMask, cross, crossMask);
        return new DecoderStepOutput(DecoderStack.lastPosition(scope.tf(), output.logits()), output.present());
    }

    private Embedding encoderWords(TfModelScope embeddings) {
        return new Embedding(embeddings.child(settings.shareEmbeddings() ? "word" : "encoder_word"),
                settings.vocabSize(), settings.hiddenSize());
    }

    private DecoderStack decoder(TfModelScope scope) {
        TfModelScope embeddings = scope.child("embeddings");
        Embedding words = new Embedding(embeddings.child(settings.shareEmbeddings() ? "word" : "decoder_word"),
                settings.vocabSize(), settings.hiddenSize());
        return new DecoderStack(scope, words, embeddings.child("decoder_position"), settings.numDecoderLayers(),
                settings.hiddenSize(), settings.numHeads(), settings.intermediateSize(), settings.maxPosition(),
                settings.dropout(), settings.layerNormEpsilon(), true, settings.tieWordEmbeddings());
    }

    @Override
    public boolean encoderDecoder() {
        return true;
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
        return new CacheLayout(settings.numDecoderLayers(), settings.numHeads(),
                settings.hiddenSize() / settings.numHeads());
    }

    @Override
    public GenerationConfig generationConfig() {
        return settings.generationConfig();
    }
}
