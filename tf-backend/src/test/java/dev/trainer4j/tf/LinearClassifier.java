package dev.trainer4j.tf;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.DataType;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.tf.nn.TfInitializers;
import dev.trainer4j.tf.nn.TfModelScope;
import dev.trainer4j.tf.nn.VariableRole;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.util.List;
import java.util.Map;

/**
 * A test model: logits = dropout(x) W + b with a masked (-100) softmax cross-entropy returned as (sum, item count).
 * Built directly with Ops through the scope, independent of the nn layer package.
 */
final class LinearClassifier implements TfModel {
    static final String FEATURES = "features";
    static final String LABELS = "labels";

    private final int features;
    private final int classes;
    private final double dropout;
    private final boolean returnsLoss;
    private final boolean rowIndependent;

    LinearClassifier(int features, int classes, double dropout, boolean returnsLoss) {
        this(features, classes, dropout, returnsLoss, false);
    }

    /** @param rowIndependent what {@link #rowIndependent()} declares (whether training batches may be split into towers) */
    LinearClassifier(int features, int classes, double dropout, boolean returnsLoss, boolean rowIndependent) {
        this.features = features;
        this.classes = classes;
        this.dropout = dropout;
        this.returnsLoss = returnsLoss;
        this.rowIndependent = rowIndependent;
    }

    /**
     * A batch of {@code rows} examples of Gaussian features and random labels in [0, classes); every third row is
     * labelled -100 (not an item), so row slices hold uneven item counts.
     */
    static Batch randomBatch(int features, int classes, int rows, long seed) {
        java.util.Random random = new java.util.Random(seed);
        float[] values = new float[rows * features];
        int[] labels = new int[rows];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        for (int row = 0; row < rows; row++) {
            labels[row] = row % 3 == 2 ? -100 : random.nextInt(classes);
        }
        Map<String, HostTensor> tensors = new java.util.LinkedHashMap<>();
        tensors.put(FEATURES, HostTensor.ofFloats(values, rows, features));
        tensors.put(LABELS, HostTensor.ofInts(labels, rows));
        return new Batch(tensors);
    }

    @Override
    public boolean rowIndependent() {
        return rowIndependent;
    }

    @Override
    public String name() {
        return "linear-classifier";
    }

    @Override
    public List<InputSpec> inputs() {
        return List.of(InputSpec.feature(FEATURES, DataType.FLOAT32, -1, features),
                InputSpec.label(LABELS, DataType.INT32, -1));
    }

    @Override
    @SuppressWarnings("unchecked")
    public ModelOutput<Operand<?>> build(TfModelScope scope, Map<String, Operand<?>> inputs) {
        TfModelScope dense = scope.child("classifier");
        Ops tf = dense.tf();
        Operand<TFloat32> x = (Operand<TFloat32>) inputs.get(FEATURES);
        if (dropout > 0 && dense.training()) {
            Operand<TFloat32> uniform = tf.random.statelessRandomUniform(tf.shape(x), dense.randomSeed(), TFloat32.class);
            Operand<TFloat32> keep = tf.dtypes.cast(tf.math.greaterEqual(uniform, tf.constant((float) dropout)), TFloat32.class);
            x = tf.math.mul(tf.math.mul(x, keep), tf.constant((float) (1 / (1 - dropout))));
        }
        Operand<TFloat32> kernel = dense.variable("kernel", Shape.of(features, classes), TfInitializers.glorotUniform(),
                VariableRole.WEIGHT);
        Operand<TFloat32> bias = dense.variable("bias", Shape.of(classes), TfInitializers.uniform(-0.1, 0.1), VariableRole.BIAS);
        Operand<TFloat32> logits = tf.math.add(tf.linalg.matMul(x, kernel), bias);
        Map<String, Operand<?>> outputs = Map.of("logits", logits);
        Operand<TInt32> labels = (Operand<TInt32>) inputs.get(LABELS);
        if (labels == null || !returnsLoss) {
            return ModelOutput.of(outputs);
        }
        Operand<TFloat32> mask = tf.dtypes.cast(tf.math.notEqual(labels, tf.constant(-100)), TFloat32.class);
        Operand<TInt32> safeLabels = tf.math.maximum(labels, tf.constant(0));
        Operand<TFloat32> oneHot = tf.oneHot(safeLabels, tf.constant(classes), tf.constant(1f), tf.constant(0f));
        Operand<TFloat32> perItem = tf.nn.softmaxCrossEntropyWithLogits(logits, oneHot).loss();
        Operand<TFloat32> lossSum = tf.reduceSum(tf.math.mul(perItem, mask), tf.constant(0));
        Operand<TFloat32> itemCount = tf.reduceSum(mask, tf.constant(0));
        return ModelOutput.withLoss(lossSum, itemCount, outputs);
    }
}
