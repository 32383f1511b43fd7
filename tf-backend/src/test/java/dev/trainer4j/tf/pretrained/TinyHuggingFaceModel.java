package dev.trainer4j.tf.pretrained;

import dev.trainer4j.api.DataType;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.tf.TfModel;
import dev.trainer4j.tf.nn.TfInitializers;
import dev.trainer4j.tf.nn.TfModelScope;
import dev.trainer4j.tf.nn.VariableRole;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A test model with Hugging Face names, shaped like {@code generate_onnx_fixtures.py}'s TinyEncoder: a word
 * embedding {@code [vocab, hidden]} and one Linear {@code hidden -> labels} (trainer4j kernel {@code [in, out]}, HF
 * weight {@code [out, in]}), logits = mean over the sequence, cross-entropy loss with labels.
 */
final class TinyHuggingFaceModel implements TfModel, HuggingFaceNamed {
    static final String EMBEDDING = "tiny/embeddings/word_embeddings";
    static final String KERNEL = "tiny/encoder/dense/kernel";
    static final String BIAS = "tiny/encoder/dense/bias";

    private final int vocab;
    private final int hidden;
    private final int labels;

    TinyHuggingFaceModel(int vocab, int hidden, int labels) {
        this.vocab = vocab;
        this.hidden = hidden;
        this.labels = labels;
    }

    @Override
    public String name() {
        return "tiny-hf";
    }

    @Override
    public List<InputSpec> inputs() {
        return List.of(InputSpec.feature("input_ids", DataType.INT32, -1, -1), InputSpec.label("labels", DataType.INT32, -1));
    }

    @Override
    public List<HuggingFaceName> huggingFaceNames() {
        return List.of(new HuggingFaceName(EMBEDDING, "embeddings.word_embeddings.weight", false),
                new HuggingFaceName(KERNEL, "encoder.dense.weight", true),
                new HuggingFaceName(BIAS, "encoder.dense.bias", false));
    }

    @Override
    public Map<String, Object> huggingFaceConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("model_type", "tiny");
        config.put("hidden_size", hidden);
        config.put("vocab_size", vocab);
        config.put("num_labels", labels);
        config.put("layer_norm_eps", 1e-12);
        return config;
    }

    @Override
    @SuppressWarnings("unchecked")
    public ModelOutput<Operand<?>> build(TfModelScope scope, Map<String, Operand<?>> inputs) {
        TfModelScope tiny = scope.child("tiny");
        Ops tf = tiny.tf();
        Operand<TFloat32> embedding = tiny.child("embeddings").variable("word_embeddings", Shape.of(vocab, hidden),
                TfInitializers.uniform(-0.5, 0.5), VariableRole.WEIGHT);
        TfModelScope dense = tiny.child("encoder").child("dense");
        Operand<TFloat32> kernel = dense.variable("kernel", Shape.of(hidden, labels), TfInitializers.glorotUniform(),
                VariableRole.WEIGHT);
        Operand<TFloat32> bias = dense.variable("bias", Shape.of(labels), TfInitializers.uniform(-0.1, 0.1), VariableRole.BIAS);
        Operand<TFloat32> embedded = tf.gather(embedding, (Operand<TInt32>) inputs.get("input_ids"), tf.constant(0));
        Operand<TFloat32> pooled = tf.math.mean(embedded, tf.constant(1));
        Operand<TFloat32> logits = tf.math.add(tf.linalg.matMul(pooled, kernel), bias);
        Operand<TInt32> labelIds = (Operand<TInt32>) inputs.get("labels");
        if (labelIds == null) {
            return ModelOutput.of(Map.of("logits", logits));
        }
        Operand<TFloat32> oneHot = tf.oneHot(labelIds, tf.constant(labels), tf.constant(1f), tf.constant(0f));
        Operand<TFloat32> lossSum = tf.reduceSum(tf.nn.softmaxCrossEntropyWithLogits(logits, oneHot).loss(), tf.constant(0));
        Operand<TFloat32> count = tf.dtypes.cast(tf.size(labelIds), TFloat32.class);
        return ModelOutput.withLoss(lossSum, count, Map.of("logits", logits));
    }
}
