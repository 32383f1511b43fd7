package dev.trainer4j.tf.nn;

import org.tensorflow.Operand;
import org.tensorflow.OperationBuilder;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/** Batched matrix products through {@code BatchMatMulV2}, which has a gradient in TensorFlow Java 1.1.0. */
final class MatMuls {
    private MatMuls() {
    }

    /** x·y (or with x and/or y transposed in their last two dimensions), broadcasting the batch dimensions. */
    static Operand<TFloat32> batchMatMul(Ops tf, Operand<TFloat32> x, Operand<TFloat32> y, boolean transposeX,
            boolean transposeY) {
        OperationBuilder builder = tf.scope().opBuilder("BatchMatMulV2", "BatchMatMulV2");
        builder.addInput(x.asOutput());
        builder.addInput(y.asOutput());
        builder.setAttr("adj_x", transposeX);
        builder.setAttr("adj_y", transposeY);
        return builder.build().output(0);
    }
}
