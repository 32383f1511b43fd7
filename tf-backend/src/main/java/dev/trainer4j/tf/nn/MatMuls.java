package dev.trainer4j.tf.nn;

import org.tensorflow.Operand;
import org.tensorflow.OperationBuilder;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

/**
 * Batched matrix products through {@code Einsum}, which has a gradient in TensorFlow Java 1.1.0 and whose forward
 * and backward ops oneDNN runs ({@code _MklEinsum}). {@code BatchMatMulV2}'s gradient emits {@code BatchMatMulV3},
 * which has no oneDNN kernel: on the main job's attention it ran 5-10 times slower per op than the forward product.
 * Passes without gradients use {@code BatchMatMulV2}, which grappler's remapper fuses with a scale and a mask.
 */
final class MatMuls {
    private MatMuls() {
    }

    /**
     * x·y (or with x and/or y transposed in their last two dimensions). Two rank-4 operands (attention's
     * [B, heads, T, head]) must have equal leading dimensions; otherwise the leading dimensions broadcast as in
     * {@code BatchMatMulV2} (an ellipsis equation, whose gradient adds a shape reduction per operand).
     */
    static Operand<TFloat32> batchMatMul(Ops tf, Operand<TFloat32> x, Operand<TFloat32> y, boolean transposeX,
            boolean transposeY) {
        boolean rank4 = x.shape().numDimensions() == 4 && y.shape().numDimensions() == 4;
        String batch = rank4 ? "ab" : "...";
        String left = batch + (transposeX ? "ji" : "ij");
        String right = batch + (transposeY ? "kj" : "jk");
        OperationBuilder builder = tf.scope().opBuilder("Einsum", "Einsum");
        builder.addInputList(new Output<?>[] {x.asOutput(), y.asOutput()});
        builder.setAttr("equation", left + "," + right + "->" + batch + "ik");
        return builder.build().output(0);
    }

    /** x·y as {@code BatchMatMulV2}, for passes whose gradient is never taken (see the class comment). */
    static Operand<TFloat32> batchMatMulV2(Ops tf, Operand<TFloat32> x, Operand<TFloat32> y, boolean transposeX,
            boolean transposeY) {
        return tf.scope().opBuilder("BatchMatMulV2", "BatchMatMulV2").addInput(x.asOutput()).addInput(y.asOutput())
                .setAttr("adj_x", transposeX).setAttr("adj_y", transposeY).build().output(0);
    }

    /** x + y as {@code AddV2}, the op grappler's fusion patterns name ({@code tf.math.add} makes {@code Add}). */
    static Operand<TFloat32> addV2(Ops tf, Operand<TFloat32> x, Operand<TFloat32> y) {
        return tf.scope().opBuilder("AddV2", "AddV2").addInput(x.asOutput()).addInput(y.asOutput()).build().output(0);
    }
}
