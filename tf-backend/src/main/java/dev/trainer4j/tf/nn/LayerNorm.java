package dev.trainer4j.tf.nn;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Layer normalisation over the last dimension: {@code (x - mean) / sqrt(var + eps) * gamma + beta}, with the
 * biased variance, built from Mean, SquaredDifference and Rsqrt. Variables {@code gamma} (ones) and {@code beta}
 * (zeros), both {@link VariableRole#NORM}. When the scope asks for it ({@link TfModelScope#fusedKernels()}:
 * evaluation and prediction with oneDNN), the normalisation is Keras's {@code FusedBatchNormV3} over
 * [1, rows, dimension, 1], which TensorFlow's remapper replaces by one {@code _MklLayerNorm} kernel.
 */
public final class LayerNorm {
    /** PyTorch's default epsilon. */
    public static final double DEFAULT_EPSILON = 1e-5;

    private final TfModelScope scope;
    private final float epsilon;
    private final long dimension;
    private final Operand<TFloat32> gamma;
    private final Operand<TFloat32> beta;

    public LayerNorm(TfModelScope scope, long dimension) {
        this(scope, dimension, DEFAULT_EPSILON);
    }

    public LayerNorm(TfModelScope scope, long dimension, double epsilon) {
        this.scope = requireNonNull(scope, "scope is null");
        if (dimension <= 0) {
            throw new IllegalArgumentException("layer norm " + scope.path() + " needs a positive dimension, got "
                    + dimension);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("layer norm " + scope.path() + ": epsilon " + epsilon
                    + " is not allowed; expected a number > 0");
        }
        this.epsilon = (float) epsilon;
        this.dimension = dimension;
        this.gamma = scope.variable("gamma", Shape.of(dimension), TfInitializers.ones(), VariableRole.NORM);
        this.beta = scope.variable("beta", Shape.of(dimension), TfInitializers.zeros(), VariableRole.NORM);
    }

    /** Normalises {@code x} [..., dimension]. */
    public Operand<TFloat32> apply(Operand<TFloat32> x) {
        Ops tf = scope.tf();
        if (scope.fusedKernels()) {
            return fusable(tf, x);
        }
        Operand<TInt32> lastAxis = tf.constant(-1);
        Operand<TFloat32> mean = tf.math.mean(x, lastAxis, Mean.keepDims(true));
        Operand<TFloat32> variance = tf.math.mean(tf.math.squaredDifference(x, mean), lastAxis, Mean.keepDims(true));
        Operand<TFloat32> normalised = tf.math.mul(tf.math.sub(x, mean),
                tf.math.rsqrt(tf.math.add(variance, tf.constant(epsilon))));
        return tf.math.add(tf.math.mul(normalised, gamma), beta);
    }

    /**
     * The fusable form: the rows [rows, dimension] as one NCHW image [1, rows, dimension, 1] normalised per channel
     * by {@code FusedBatchNormV3} in training mode (unit scale, zero offset, no running statistics), then times gamma
     * plus beta. The remapper matches it on a rank-2 input, so other ranks go through their rows.
     */
    private Operand<TFloat32> fusable(Ops tf, Operand<TFloat32> x) {
        boolean rows = x.shape().numDimensions() == 2;
        Operand<TFloat32> matrix = rows ? x : tf.reshape(x, tf.constant(new long[] {-1, dimension}));
        Operand<TInt32> matrixShape = tf.shape(matrix);
        Operand<TInt32> rowCount = tf.slice(matrixShape, tf.constant(new int[] {0}), tf.constant(new int[] {1}));
        Operand<TFloat32> image = tf.reshape(matrix, tf.concat(List.of(tf.constant(new int[] {1}), rowCount,
                tf.constant(new int[] {(int) dimension, 1})), tf.constant(0)));
        Operand<TFloat32> noStatistics = tf.constant(new float[0]);
        Operand<TFloat32> normalised = tf.reshape(tf.scope().opBuilder("FusedBatchNormV3", "FusedBatchNormV3")
                .addInput(image.asOutput())
                .addInput(tf.fill(rowCount, tf.constant(1f)).asOutput())
                .addInput(tf.fill(rowCount, tf.constant(0f)).asOutput())
                .addInput(noStatistics.asOutput())
                .addInput(noStatistics.asOutput())
                .setAttr("epsilon", epsilon)
                .setAttr("data_format", "NCHW")
                .setAttr("is_training", true)
                .setAttr("U", org.tensorflow.proto.DataType.DT_FLOAT)
                .build().<TFloat32>output(0), matrixShape);
        Operand<TFloat32> output = MatMuls.addV2(tf, tf.math.mul(normalised, gamma), beta);
        return rows ? output : tf.reshape(output, tf.shape(x));
    }
}
