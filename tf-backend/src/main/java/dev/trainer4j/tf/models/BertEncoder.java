package dev.trainer4j.tf.models;

import dev.trainer4j.api.DataType;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.tf.TfModel;
import dev.trainer4j.tf.nn.Activation;
import dev.trainer4j.tf.nn.AttentionMasks;
import dev.trainer4j.tf.nn.Dense;
import dev.trainer4j.tf.nn.Dropout;
import dev.trainer4j.tf.nn.Embedding;
import dev.trainer4j.tf.nn.InputEmbeddingNoise;
import dev.trainer4j.tf.nn.LayerNorm;
import dev.trainer4j.tf.nn.NormPlacement;
import dev.trainer4j.tf.nn.PositionalEmbedding;
import dev.trainer4j.tf.nn.TfModelScope;
import dev.trainer4j.tf.nn.TransformerBlockSettings;
import dev.trainer4j.tf.nn.TransformerEncoderBlock;
import dev.trainer4j.tf.pretrained.HuggingFaceName;
import dev.trainer4j.tf.pretrained.HuggingFaceNamed;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.AssertThat;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * BERT (post-LN transformer encoder) with a head, as HF's {@code BertModel}, {@code BertForSequenceClassification}
 * and {@code BertForTokenClassification} compute it (eval mode):
 * {@code e = LayerNorm(word[input_ids] + token_type[token_type_ids] + position[0..T-1])} → dropout →
 * {@code num-layers} post-LN {@link TransformerEncoderBlock}s (additive padding mask, {@code hidden-act} GELU) → the
 * last hidden state, then the head ({@link BertHead}).
 *
 * <p>Inputs: {@code input_ids} and {@code attention_mask} INT32 [-1, -1], {@code token_type_ids} INT32 [-1, -1] when
 * {@code token-type-ids = true}, and {@code labels}: INT32 [-1] (sequence classification; FLOAT32 with one label),
 * INT32 [-1, -1] with -100 on tokens that are not items (token classification), none for the embedding head. An
 * input longer than {@code max-position}, an id outside [0, vocab-size) or a token type outside
 * [0, type-vocab-size) fails the step naming the limit and the value, before any lookup.
 *
 * <p>Outputs: {@code logits} [B, num-labels] or [B, T, num-labels]; the embedding head gives {@code embedding}
 * [B, hidden] (the mean of the last hidden state over the attention mask) and {@code last_hidden_state}
 * [B, T, hidden].
 *
 * <p>Variables and their HF names ({@link #huggingFaceNames()}; a kernel is the transpose of torch's Linear weight):
 * <table>
 *   <caption>trainer4j ↔ Hugging Face</caption>
 *   <tr><td>{@code embeddings/word_embeddings/embeddings}</td><td>{@code embeddings.word_embeddings.weight}</td></tr>
 *   <tr><td>{@code embeddings/position_embeddings/embeddings}</td><td>{@code embeddings.position_embeddings.weight}</td></tr>
 *   <tr><td>{@code embeddings/token_type_embeddings/embeddings}</td><td>{@code embeddings.token_type_embeddings.weight}</td></tr>
 *   <tr><td>{@code embeddings/layer_norm/{gamma,beta}}</td><td>{@code embeddings.LayerNorm.{weight,bias}}</td></tr>
 *   <tr><td>{@code encoder/layer_N/attention/{query,key,value}/{kernel,bias}}</td>
 *       <td>{@code encoder.layer.N.attention.self.{query,key,value}.{weight,bias}}</td></tr>
 *   <tr><td>{@code encoder/layer_N/attention/output/{kernel,bias}}</td><td>{@code encoder.layer.N.attention.output.dense.{weight,bias}}</td></tr>
 *   <tr><td>{@code encoder/layer_N/attention_norm/{gamma,beta}}</td><td>{@code encoder.layer.N.attention.output.LayerNorm.{weight,bias}}</td></tr>
 *   <tr><td>{@code encoder/layer_N/intermediate/{kernel,bias}}</td><td>{@code encoder.layer.N.intermediate.dense.{weight,bias}}</td></tr>
 *   <tr><td>{@code encoder/layer_N/output/{kernel,bias}}</td><td>{@code encoder.layer.N.output.dense.{weight,bias}}</td></tr>
 *   <tr><td>{@code encoder/layer_N/ffn_norm/{gamma,beta}}</td><td>{@code encoder.layer.N.output.LayerNorm.{weight,bias}}</td></tr>
 *   <tr><td>{@code pooler/{kernel,bias}} (sequence classification with cls pooling)</td><td>{@code pooler.dense.{weight,bias}}</td></tr>
 *   <tr><td>{@code classifier/{kernel,bias}} (classification heads)</td><td>{@code classifier.{weight,bias}}</td></tr>
 * </table>
 */
public final class BertEncoder implements TfModel, HuggingFaceNamed {
    public static final String NAME = "bert-encoder";
    public static final String INPUT_IDS = "input_ids";
    public static final String ATTENTION_MASK = "attention_mask";
    public static final String TOKEN_TYPE_IDS = "token_type_ids";
    public static final String LABELS = ClassificationHead.LABELS;
    public static final String LOGITS = ClassificationHead.LOGITS;
    public static final String EMBEDDING = "embedding";
    public static final String LAST_HIDDEN_STATE = "last_hidden_state";

    private final BertEncoderSettings settings;

    public BertEncoder(BertEncoderSettings settings) {
        this.settings = requireNonNull(settings, "settings is null");
    }

    public BertEncoderSettings settings() {
        return settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Attention stays within a sequence and no output or loss term couples rows. */
    @Override
    public boolean rowIndependent() {
        return true;
    }

    @Override
    public List<InputSpec> inputs() {
        List<InputSpec> inputs = new ArrayList<>();
        inputs.add(InputSpec.feature(INPUT_IDS, DataType.INT32, -1, -1));
        inputs.add(InputSpec.feature(ATTENTION_MASK, DataType.INT32, -1, -1));
        if (settings.tokenTypeIds()) {
            inputs.add(InputSpec.feature(TOKEN_TYPE_IDS, DataType.INT32, -1, -1));
        }
        switch (settings.head()) {
            case SEQUENCE_CLASSIFICATION -> inputs.add(regression() ? InputSpec.label(LABELS, DataType.FLOAT32, -1)
                    : InputSpec.classLabel(LABELS, DataType.INT32, settings.numLabels(), -1));
            case TOKEN_CLASSIFICATION -> inputs.add(InputSpec.classLabel(LABELS, DataType.INT32, settings.numLabels(),
                    -1, -1));
            case EMBEDDING -> {
            }
        }
        return List.copyOf(inputs);
    }

    private boolean regression() {
        return settings.head() == BertHead.SEQUENCE_CLASSIFICATION && settings.numLabels() == 1;
    }

    @Override
    public List<String> frozenVariables() {
        return settings.freeze();
    }

    /**
     * Layer-wise learning-rate decay (BEiT's and ELECTRA's recipe): encoder layer l (0-based) of L gets
     * decay^(L−l), the embeddings decay^(L+1), the pooler and the head 1.
     */
    @Override
    public double learningRateMultiplier(String variable) {
        double decay = settings.layerWiseLrDecay();
        int layers = settings.numLayers();
        if (decay == 1) {
            return 1;
        }
        if (variable.startsWith("embeddings/")) {
            return Math.pow(decay, layers + 1);
        }
        String prefix = "encoder/layer_";
        if (variable.startsWith(prefix)) {
            int end = variable.indexOf('/', prefix.length());
            int layer = Integer.parseInt(variable.substring(prefix.length(), end));
            return Math.pow(decay, layers - layer);
        }
        return 1;
    }

    @Override
    public ModelOutput<Operand<?>> build(TfModelScope scope, Map<String, Operand<?>> inputs) {
        requireNonNull(scope, "scope is null");
        requireNonNull(inputs, "inputs is null");
        Ops tf = scope.tf();
        Operand<TInt32> ids = ModelInputs.required(tf, NAME, inputs, INPUT_IDS, TInt32.class);
        Operand<TInt32> mask = ModelInputs.optional(tf, inputs, ATTENTION_MASK, TInt32.class);
        Operand<TInt32> types = settings.tokenTypeIds()
                ? ModelInputs.optional(tf, inputs, TOKEN_TYPE_IDS, TInt32.class) : null;
        List<Op> checks = new ArrayList<>();
        checks.add(lengthCheck(tf, ids));
        checks.add(rangeCheck(tf, ids, settings.vocabSize(), INPUT_IDS, "vocab-size"));
        if (types != null) {
            checks.add(rangeCheck(tf, types, settings.typeVocabSize(), TOKEN_TYPE_IDS, "type-vocab-size"));
        }
        Ops checked = tf.withControlDependencies(checks);
        ids = checked.identity(ids);
        if (types != null) {
            types = checked.identity(types);
        }

        Operand<TFloat32> states = embed(scope.child("embeddings"), ids, types);
        Operand<TFloat32> additiveMask = mask == null ? null : AttentionMasks.padding(tf, mask);
        TransformerBlockSettings block = new TransformerBlockSettings(settings.hiddenSize(), settings.numHeads(),
                settings.intermediateSize(), settings.hiddenDropout(), settings.attentionDropout(),
                settings.layerNormEps(), settings.hiddenAct(), NormPlacement.POST);
        TfModelScope encoder = scope.child("encoder");
        for (int i = 0; i < settings.numLayers(); i++) {
            TransformerEncoderBlock layer = new TransformerEncoderBlock(encoder.child("layer_" + i), block);
            states = scope.checkpoint(states, input -> layer.applyWithBias(input, additiveMask));
        }
        return switch (settings.head()) {
            case EMBEDDING -> {
                Map<String, Operand<?>> outputs = new LinkedHashMap<>();
                outputs.put(EMBEDDING, Pooling.maskedMean(tf, states, mask));
                outputs.put(LAST_HIDDEN_STATE, states);
                yield ModelOutput.of(outputs);
            }
            case SEQUENCE_CLASSIFICATION -> ClassificationHead.output(tf, NAME, inputs,
                    classifier(scope, pool(scope, states, mask)), regression());
            case TOKEN_CLASSIFICATION -> ClassificationHead.output(tf, NAME, inputs, classifier(scope, states), false);
        };
    }

    /** LayerNorm(word + token type + position) → dropout, [B, T, hidden]. */
    private Operand<TFloat32> embed(TfModelScope scope, Operand<TInt32> ids, Operand<TInt32> types) {
        Ops tf = scope.tf();
        long hidden = settings.hiddenSize();
        Operand<TFloat32> words = InputEmbeddingNoise.apply(scope,
                new Embedding(scope.child("word_embeddings"), settings.vocabSize(), hidden).apply(ids));
        Embedding typeTable = new Embedding(scope.child("token_type_embeddings"), settings.typeVocabSize(), hidden);
        Operand<TFloat32> typed = types == null
                ? tf.math.add(words, tf.gather(typeTable.table(), tf.constant(0), tf.constant(0)))
                : tf.math.add(words, typeTable.apply(types));
        Operand<TFloat32> summed = new PositionalEmbedding(scope.child("position_embeddings"), settings.maxPosition(),
                hidden).apply(typed);
        Operand<TFloat32> normed = new LayerNorm(scope.child("layer_norm"), hidden, settings.layerNormEps())
                .apply(summed);
        return new Dropout(scope.child("dropout"), settings.hiddenDropout()).apply(normed);
    }

    /** [B, T, H] → [B, H]: HF's pooler tanh(dense(h[:, 0])) for cls, the masked mean for mean. */
    private Operand<TFloat32> pool(TfModelScope scope, Operand<TFloat32> states, Operand<TInt32> mask) {
        Ops tf = scope.tf();
        if (settings.pooling() == Pooling.CLS) {
            Operand<TFloat32> first = tf.gather(states, tf.constant(0), tf.constant(1));
            return new Dense(scope.child("pooler"), settings.hiddenSize(), settings.hiddenSize(), Activation.TANH)
                    .apply(first);
        }
        return Pooling.maskedMean(tf, states, mask);
    }

    /** dropout → dense to num-labels, over the last dimension. */
    private Operand<TFloat32> classifier(TfModelScope scope, Operand<TFloat32> features) {
        Operand<TFloat32> dropped = new Dropout(scope.child("classifier_dropout"), settings.hiddenDropout())
                .apply(features);
        return new Dense(scope.child("classifier"), settings.hiddenSize(), settings.numLabels(), Activation.NONE)
                .apply(dropped);
    }

    private AssertThat lengthCheck(Ops tf, Operand<TInt32> ids) {
        Operand<TInt32> length = tf.gather(tf.shape(ids, TInt32.class), tf.constant(1), tf.constant(0));
        return tf.assertThat(tf.math.lessEqual(length, tf.constant(settings.maxPosition())), List.of(
                tf.constant(NAME + ": input_ids is longer than max-position (truncate the input, e.g. with the"
                        + " tokenizer's max length); max-position and the given length are"),
                tf.constant(settings.maxPosition()), length));
    }

    private static AssertThat rangeCheck(Ops tf, Operand<TInt32> values, int size, String input, String key) {
        Operand<TInt32> all = tf.constant(new int[] {0, 1});
        Operand<TInt32> smallest = tf.min(values, all);
        Operand<TInt32> largest = tf.max(values, all);
        Operand<TBool> inRange = tf.math.logicalAnd(tf.math.greaterEqual(smallest, tf.constant(0)),
                tf.math.less(largest, tf.constant(size)));
        // an empty batch has min = INT_MAX and max = INT_MIN: nothing to look up
        Operand<TBool> empty = tf.math.equal(tf.size(values, TInt32.class), tf.constant(0));
        return tf.assertThat(tf.math.logicalOr(empty, inRange), List.of(
                tf.constant(NAME + ": " + input + " holds a value outside [0, " + key + "); " + key
                        + ", the smallest and the largest value are"),
                tf.constant(size), smallest, largest));
    }

    @Override
    public List<HuggingFaceName> huggingFaceNames() {
        List<HuggingFaceName> names = new ArrayList<>();
        names.add(plain("embeddings/word_embeddings/embeddings", "embeddings.word_embeddings.weight"));
        names.add(plain("embeddings/position_embeddings/embeddings", "embeddings.position_embeddings.weight"));
        names.add(plain("embeddings/token_type_embeddings/embeddings", "embeddings.token_type_embeddings.weight"));
        norm(names, "embeddings/layer_norm", "embeddings.LayerNorm");
        for (int i = 0; i < settings.numLayers(); i++) {
            String ours = "encoder/layer_" + i + "/";
            String theirs = "encoder.layer." + i + ".";
            for (String projection : List.of("query", "key", "value")) {
                linear(names, ours + "attention/" + projection, theirs + "attention.self." + projection);
            }
            linear(names, ours + "attention/output", theirs + "attention.output.dense");
            norm(names, ours + "attention_norm", theirs + "attention.output.LayerNorm");
            linear(names, ours + "intermediate", theirs + "intermediate.dense");
            linear(names, ours + "output", theirs + "output.dense");
            norm(names, ours + "ffn_norm", theirs + "output.LayerNorm");
        }
        if (settings.head() == BertHead.SEQUENCE_CLASSIFICATION && settings.pooling() == Pooling.CLS) {
            linear(names, "pooler", "pooler.dense");
        }
        if (settings.head() != BertHead.EMBEDDING) {
            linear(names, "classifier", "classifier");
        }
        return List.copyOf(names);
    }

    private static HuggingFaceName plain(String variable, String huggingFaceName) {
        return new HuggingFaceName(variable, huggingFaceName, false);
    }

    private static void linear(List<HuggingFaceName> names, String variable, String huggingFaceName) {
        names.add(new HuggingFaceName(variable + "/kernel", huggingFaceName + ".weight", true));
        names.add(plain(variable + "/bias", huggingFaceName + ".bias"));
    }

    private static void norm(List<HuggingFaceName> names, String variable, String huggingFaceName) {
        names.add(plain(variable + "/gamma", huggingFaceName + ".weight"));
        names.add(plain(variable + "/beta", huggingFaceName + ".bias"));
    }

    /** HF's {@code BertConfig} of this model, with the architecture of its head. */
    @Override
    public Map<String, Object> huggingFaceConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("architectures", List.of(switch (settings.head()) {
            case SEQUENCE_CLASSIFICATION -> "BertForSequenceClassification";
            case TOKEN_CLASSIFICATION -> "BertForTokenClassification";
            case EMBEDDING -> "BertModel";
        }));
        config.put("model_type", "bert");
        config.put("vocab_size", settings.vocabSize());
        config.put("hidden_size", settings.hiddenSize());
        config.put("num_hidden_layers", settings.numLayers());
        config.put("num_attention_heads", settings.numHeads());
        config.put("intermediate_size", settings.intermediateSize());
        config.put("hidden_act", settings.hiddenAct().configName());
        config.put("hidden_dropout_prob", settings.hiddenDropout());
        config.put("attention_probs_dropout_prob", settings.attentionDropout());
        config.put("max_position_embeddings", settings.maxPosition());
        config.put("type_vocab_size", settings.typeVocabSize());
        config.put("layer_norm_eps", settings.layerNormEps());
        config.put("position_embedding_type", "absolute");
        if (settings.head() != BertHead.EMBEDDING) {
            config.put("num_labels", settings.numLabels());
        }
        return config;
    }
}
