package dev.trainer4j.tf.nn;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

import static java.util.Objects.requireNonNull;

/**
 * A fully connected layer {@code activation(x·kernel + bias)} over the last dimension of {@code x} (any rank ≥ 2).
 * Variables: {@code kernel} [in, out] ({@link VariableRole#WEIGHT}, Glorot uniform unless given) and {@code bias}
 * [out] ({@link VariableRole#BIAS}, zeros).
 */
public final class Dense {
    private final TfModelScope scope;
    private final long inputSize;
    private final long outputSize;
    private final Activation activation;
    private final Operand<TFloat32> kernel;
    private final Operand<TFloat32> bias;

    /** A dense layer with a Glorot-uniform kernel and a zero bias. */
    public Dense(TfModelScope scope, long inputSize, long outputSize, Activation activation) {
        this(scope, inputSize, outputSize, activation, TfInitializers.glorotUniform());
    }

    /** A dense layer with the given kernel initializer and a zero bias. */
    public Dense(TfModelScope scope, long inputSize, long outputSize, Activation activation,
            TfInitializer kernelInitializer) {
        this.scope = requireNonNull(scope, "scope is null");
        this.activation = requireNonNull(activation, "activation is null");
        requireNonNull(kernelInitializer, "kernelInitializer is null");
        if (inputSize <= 0 || outputSize <= 0) {
            throw new IllegalArgumentException("dense layer " + scope.path() + " needs positive sizes, got input "
                    + inputSize + " and output " + outputSize);
        }
        this.inputSize = inputSize;
        this.outputSize = outputSize;
        this.kernel = scope.variable("kernel", Shape.of(inputSize, outputSize), kernelInitializer,
                VariableRole.WEIGHT);
        this.bias = scope.variable("bias", Shape.of(outputSize), TfInitializers.zeros(), VariableRole.BIAS);
    }

    public long inputSize() {
        return inputSize;
    }

    public long outputSize() {
        return outputSize;
    }

    /** Applies the layer to {@code x} [..., in], giving [..., out]. */
    public Operand<TFloat32> apply(Operand<TFloat32> x) {
        Ops tf = scope.tf();
        int rank = x.shape().numDimensions();
        Operand<TFloat32> linear;
        if (rank == 2) {
            linear = tf.nn.biasAdd(tf.linalg.matMul(x, kernel), bias);
        } else {
            // [..., in] -> [N, in] -> [N, out] -> [..., out]
            Operand<TFloat32> flat = tf.reshape(x, tf.constant(new long[] {-1, inputSize}));
            Operand<TFloat32> product = tf.nn.biasAdd(tf.linalg.matMul(flat, kernel), bias);
            Operand<org.tensorflow.types.TInt64> leading = TensorShapes.leadingDimensions(tf, x);
            linear = tf.reshape(product, tf.concat(java.util.List.of(leading, tf.constant(new long[] {outputSize})),
                    tf.constant(0)));
        }
        return activation.apply(tf, linear);
    }
}
