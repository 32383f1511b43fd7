package dev.trainer4j.tf;

import dev.trainer4j.api.DataType;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.tf.nn.TfModelScope;
import dev.trainer4j.tf.nn.VariableRole;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

import java.util.List;
import java.util.Map;

/**
 * A test model with a known gradient: per item loss 0.5 |w - cw|^2 + 0.5 |b - cb|^2 scaled by the item's weight
 * input {@code scale}; the gradient of the mean loss is (w - cw, b - cb) for unit scales.
 */
final class QuadraticModel implements TfModel {
    static final float[] W0 = {0.5f, -1.0f, 2.0f};
    static final float[] CW = {1.0f, 0.0f, -1.0f};
    static final float[] B0 = {0.25f, -0.75f};
    static final float[] CB = {-0.5f, 0.5f};

    private final List<String> frozen;
    private final boolean rowIndependent;

    QuadraticModel() {
        this(List.of(), false);
    }

    /**
     * @param frozen         what {@link #frozenVariables()} returns
     * @param rowIndependent what {@link #rowIndependent()} declares (the loss is a sum of per-row terms either way)
     */
    QuadraticModel(List<String> frozen, boolean rowIndependent) {
        this.frozen = List.copyOf(frozen);
        this.rowIndependent = rowIndependent;
    }

    @Override
    public List<String> frozenVariables() {
        return frozen;
    }

    @Override
    public boolean rowIndependent() {
        return rowIndependent;
    }

    @Override
    public String name() {
        return "quadratic";
    }

    @Override
    public List<InputSpec> inputs() {
        return List.of(InputSpec.label("scale", DataType.FLOAT32, -1));
    }

    @Override
    @SuppressWarnings("unchecked")
    public ModelOutput<Operand<?>> build(TfModelScope scope, Map<String, Operand<?>> inputs) {
        Ops tf = scope.tf();
        Operand<TFloat32> w = scope.variable("w", Shape.of(3), (ops, shape, seed) -> ops.constant(W0), VariableRole.WEIGHT);
        Operand<TFloat32> b = scope.variable("b", Shape.of(2), (ops, shape, seed) -> ops.constant(B0), VariableRole.BIAS);
        Operand<TFloat32> half = tf.constant(0.5f);
        Operand<TFloat32> perItem = tf.math.add(
                tf.math.mul(half, tf.reduceSum(tf.math.square(tf.math.sub(w, tf.constant(CW))), tf.constant(0))),
                tf.math.mul(half, tf.reduceSum(tf.math.square(tf.math.sub(b, tf.constant(CB))), tf.constant(0))));
        Operand<TFloat32> scale = (Operand<TFloat32>) inputs.get("scale");
        if (scale == null) {
            return ModelOutput.of(Map.of("w", w));
        }
        Operand<TFloat32> lossSum = tf.math.mul(perItem, tf.reduceSum(scale, tf.constant(0)));
        Operand<TFloat32> itemCount = tf.dtypes.cast(tf.shape(scale, org.tensorflow.types.TInt32.class), TFloat32.class);
        return ModelOutput.withLoss(lossSum, tf.reduceSum(itemCount, tf.constant(0)), Map.of("w", w));
    }
}
