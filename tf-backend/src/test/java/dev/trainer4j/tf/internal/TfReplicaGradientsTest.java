package dev.trainer4j.tf.internal;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;

import java.util.Random;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link TfReplicaGradients#buildColocated}, the backward pass built one forward op at a time, against TensorFlow's
 * own gradient builder (one {@code addGradients} call) as the reference, on graphs where an op's inputs depend on
 * each other (x and mean(x), as in a layer norm) or repeat (x times x).
 */
class TfReplicaGradientsTest {
    /** The largest difference between the two gradients of sum(f(x W) * c) with respect to W. */
    private static double largestDifference(BiFunction<Ops, Operand<TFloat32>, Operand<TFloat32>> f) {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Random random = new Random(1);
            float[][] weights = gaussian(random, 4, 6);
            Operand<TFloat32> w = tf.withName("w").identity(tf.constant(weights));
            Operand<TFloat32> y = f.apply(tf, tf.linalg.matMul(tf.constant(gaussian(random, 3, 4)), w));
            Operand<TFloat32> loss = tf.reduceSum(tf.math.mul(y, tf.constant(gaussian(random, 3, 6))),
                    tf.constant(new int[] {0, 1}));
            Output<?>[] reference = graph.addGradients("reference", new Output<?>[] {loss.asOutput()},
                    new Output<?>[] {w.asOutput()}, null);
            Output<?>[] colocated = TfReplicaGradients.buildColocated(graph, "colocated", loss, new Output<?>[] {w.asOutput()});
            // built op by op: the gradient ops are named after their forward op
            assertThat(((GraphOperation) colocated[0].op()).name()).startsWith("colocated/MatMul_grad/");
            try (Session session = new Session(graph);
                 Result result = session.runner().fetch(reference[0]).fetch(colocated[0]).run()) {
                TFloat32 expected = (TFloat32) result.get(0);
                TFloat32 actual = (TFloat32) result.get(1);
                double largest = 0;
                for (int i = 0; i < 4; i++) {
                    for (int j = 0; j < 6; j++) {
                        largest = Math.max(largest, Math.abs(expected.getFloat(i, j) - actual.getFloat(i, j)));
                    }
                }
                return largest;
            }
        }
    }

    private static float[][] gaussian(Random random, int rows, int columns) {
        float[][] values = new float[rows][columns];
        for (float[] row : values) {
            for (int i = 0; i < columns; i++) {
                row[i] = (float) random.nextGaussian();
            }
        }
        return values;
    }

    @Test
    void opsWhoseInputsDependOnEachOtherGetTheGradientOfTheWholeGraph() {
        assertThat(largestDifference((tf, x) -> tf.math.sub(x, tf.math.mean(x, tf.constant(-1), Mean.keepDims(true)))))
                .as("x - mean(x)").isLessThanOrEqualTo(1e-6);
        assertThat(largestDifference((tf, x) -> tf.math.mul(x, x))).as("x * x").isLessThanOrEqualTo(1e-6);
        assertThat(largestDifference((tf, x) -> {
            Operand<TFloat32> mean = tf.math.mean(x, tf.constant(-1), Mean.keepDims(true));
            Operand<TFloat32> variance = tf.math.mean(tf.math.squaredDifference(x, mean), tf.constant(-1),
                    Mean.keepDims(true));
            return tf.math.mul(tf.math.sub(x, mean), tf.math.rsqrt(tf.math.add(variance, tf.constant(1e-5f))));
        })).as("layer norm").isLessThanOrEqualTo(1e-6);
    }
}
