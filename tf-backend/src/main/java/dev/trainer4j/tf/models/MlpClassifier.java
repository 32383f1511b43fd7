package dev.trainer4j.tf.models;

import dev.trainer4j.api.DataType;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.tf.TfModel;
import dev.trainer4j.tf.nn.Activation;
import dev.trainer4j.tf.nn.Dense;
import dev.trainer4j.tf.nn.Dropout;
import dev.trainer4j.tf.nn.TfModelScope;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A multi-layer perceptron over a feature vector: {@code features} FLOAT32 [-1, input-size] → hidden dense layers
 * (activation, dropout) → {@code logits} [-1, num-labels]. With {@code labels} INT32 [-1] it returns the masked
 * cross-entropy (labels -100 ignored); with one label the labels are FLOAT32 and the loss is the squared error.
 * Variables: {@code mlp/dense_<i>/{kernel,bias}}, {@code mlp/classifier/{kernel,bias}}.
 */
public final class MlpClassifier implements TfModel {
    public static final String NAME = "mlp-classifier";
    public static final String FEATURES = "features";
    public static final String LABELS = ClassificationHead.LABELS;
    public static final String LOGITS = ClassificationHead.LOGITS;

    private final MlpClassifierSettings settings;

    public MlpClassifier(MlpClassifierSettings settings) {
        this.settings = requireNonNull(settings, "settings is null");
    }

    public MlpClassifierSettings settings() {
        return settings;
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Each row is classified on its own, so a training batch may be split into towers. */
    @Override
    public boolean rowIndependent() {
        return true;
    }

    @Override
    public List<InputSpec> inputs() {
        return List.of(
                InputSpec.feature(FEATURES, DataType.FLOAT32, -1, settings.inputSize()),
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
        TfModelScope mlp = scope.child("mlp");
        Ops tf = mlp.tf();
        Operand<TFloat32> hidden = ModelInputs.required(tf, NAME, inputs, FEATURES, TFloat32.class);
        long width = settings.inputSize();
        for (int i = 0; i < settings.hiddenSizes().size(); i++) {
            int size = settings.hiddenSizes().get(i);
            hidden = new Dense(mlp.child("dense_" + i), width, size, settings.activation()).apply(hidden);
            hidden = new Dropout(mlp.child("dropout_" + i), settings.dropout()).apply(hidden);
            width = size;
        }
        Operand<TFloat32> logits = new Dense(mlp.child("classifier"), width, settings.numLabels(), Activation.NONE)
                .apply(hidden);
        return ClassificationHead.output(tf, NAME, inputs, logits, regression());
    }
}
