package dev.trainer4j.tf.models;

import dev.trainer4j.api.DataType;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.tf.TfModel;
import dev.trainer4j.tf.nn.Activation;
import dev.trainer4j.tf.nn.Dense;
import dev.trainer4j.tf.nn.Dropout;
import dev.trainer4j.tf.nn.Embedding;
import dev.trainer4j.tf.nn.InputEmbeddingNoise;
import dev.trainer4j.tf.nn.LayerNorm;
import dev.trainer4j.tf.nn.PositionalEmbedding;
import dev.trainer4j.tf.nn.TfModelScope;
import dev.trainer4j.tf.nn.TransformerEncoderBlock;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A pre-LN transformer encoder with a classification head: {@code input_ids} INT32 [-1, -1] and
 * {@code attention_mask} INT32 [-1, -1] (1 = token, 0 = padding) → word + learned position embeddings → dropout →
 * {@code num-layers} {@link TransformerEncoderBlock}s → final LayerNorm → pooling ({@code cls} or masked
 * {@code mean}) → dropout → {@code logits} [-1, num-labels]. With {@code labels} INT32 [-1] it returns the masked
 * cross-entropy (one label: FLOAT32 labels and the squared error).
 *
 * <p>Variables: {@code embeddings/word/embeddings}, {@code embeddings/position/embeddings},
 * {@code encoder/layer_<i>/attention/{query,key,value,output}/{kernel,bias}},
 * {@code encoder/layer_<i>/{attention_norm,ffn_norm}/{gamma,beta}},
 * {@code encoder/layer_<i>/{intermediate,output}/{kernel,bias}}, {@code encoder/final_norm/{gamma,beta}},
 * {@code classifier/{kernel,bias}}.
 */
public final class TransformerClassifier implements TfModel {
    public static final String NAME = "transformer-classifier";
    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String LABELS = ClassificationHead.LABELS;
    public static final String LOGITS = ClassificationHead.LOGITS;

    private final TransformerClassifierSettings settings;

    public TransformerClassifier(TransformerClassifierSettings settings) {
        this.settings = requireNonNull(settings, "settings is null");
    }

    public TransformerClassifierSettings settings() {
        return settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Each row is classified on its own (attention stays within a sequence), so a training batch may be split into towers. */
    @Override
    public boolean rowIndependent() {
        return true;
    }

    @Override
    public List<InputSpec> inputs() {
        return List.of(
                InputSpec.feature(INPUT_IDS, DataType.INT32, -1, -1),
                InputSpec.feature(ATTENTION_MASK, DataType.INT32, -1, -1),
                regression() ? InputSpec.label(LABELS, DataType.FLOAT32, -1)
                        : InputSpec.classLabel(LABELS, DataType.INT32, settings.numLabels(), -1));
    }

    private boolean regression() {
        return settings.numLabels() == 1;
    }

    @Override
    public ModelOutput<Operand<?>> build(TfModelScope scope, Map<String, Operand<?>> inputs) {
        requireNonNull(scope, "scope is null");
        requireNonNull(inputs, "inputs is null");
        Ops tf = scope.tf();
        long hidden = settings.hiddenSize();
        Operand<TInt32> ids = ModelInputs.required(tf, NAME, inputs, INPUT_IDS, TInt32.class);
        Operand<TInt32> mask = ModelInputs.optional(tf, inputs, ATTENTION_MASK, TInt32.class);

        TfModelScope embeddings = scope.child("embeddings");
        Operand<TFloat32> states = InputEmbeddingNoise.apply(embeddings,
                new Embedding(embeddings.child("word"), settings.vocabSize(), hidden).apply(ids));
        states = new PositionalEmbedding(embeddings.child("position"), settings.maxPosition(), hidden).apply(states);
        states = new Dropout(embeddings.child("dropout"), settings.dropout()).apply(states);

        TfModelScope encoder = scope.child("encoder");
        for (int i = 0; i < settings.numLayers(); i++) {
            TransformerEncoderBlock block = new TransformerEncoderBlock(encoder.child("layer_" + i), hidden,
                    settings.numHeads(), settings.intermediateSize(), settings.dropout(), settings.layerNormEpsilon());
            states = scope.checkpoint(states, input -> block.apply(input, mask));
        }
        states = new LayerNorm(encoder.child("final_norm"), hidden, settings.layerNormEpsilon()).apply(states);

        Operand<TFloat32> pooled = pool(tf, states, mask);
        pooled = new Dropout(scope.child("classifier_dropout"), settings.dropout()).apply(pooled);
        Operand<TFloat32> logits = new Dense(scope.child("classifier"), hidden, settings.numLabels(),
                Activation.NONE).apply(pooled);

        return ClassificationHead.output(tf, NAME, inputs, logits, regression());
    }

    /** [B, T, H] → [B, H]. */
    private Operand<TFloat32> pool(Ops tf, Operand<TFloat32> states, Operand<TInt32> mask) {
        if (settings.pooling() == Pooling.CLS) {
            return tf.gather(states, tf.constant(0), tf.constant(1));
        }
        return Pooling.maskedMean(tf, states, mask);
    }
}
