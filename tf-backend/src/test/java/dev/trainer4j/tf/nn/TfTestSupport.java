package dev.trainer4j.tf.nn;

import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Tensor and session helpers for the layer and model tests. */
public final class TfTestSupport {
    private TfTestSupport() {
    }

    public static TFloat32 floats(float[] data, long... shape) {
        return TFloat32.tensorOf(Shape.of(shape), DataBuffers.of(data, true, false));
    }

    public static TInt32 ints(int[] data, long... shape) {
        return TInt32.tensorOf(Shape.of(shape), DataBuffers.of(data, true, false));
    }

    public static TInt64 longs(long[] data, long... shape) {
        return TInt64.tensorOf(Shape.of(shape), DataBuffers.of(data, true, false));
    }

    /** Runs the fetches with the feeds and copies each (float or int) result into a float array. */
    /** Run options that return the graphs TensorFlow ran, after grappler ({@link #partitionOps}). */
    public static final org.tensorflow.proto.RunOptions PARTITION_GRAPHS =
            org.tensorflow.proto.RunOptions.newBuilder().setOutputPartitionGraphs(true).build();

    /** The op types of the graphs a run with {@link #PARTITION_GRAPHS} ran, node by node. */
    public static List<String> partitionOps(org.tensorflow.Result result) {
        return result.getMetadata().orElseThrow().getPartitionGraphsList().stream()
                .flatMap(partition -> partition.getNodeList().stream()).map(node -> node.getOp()).toList();
    }

    public static List<float[]> run(Session session, Map<Operand<?>, Tensor> feeds, Operand<?>... fetches) {
        Session.Runner runner = session.runner();
        feeds.forEach(runner::feed);
        for (Operand<?> fetch : fetches) {
            runner.fetch(fetch);
        }
        List<float[]> values = new ArrayList<>();
        try (Result result = runner.run()) {
            for (int i = 0; i < fetches.length; i++) {
                values.add(copy(result.get(i)));
            }
        }
        return values;
    }

    /** The shape of a fetched tensor. */
    public static long[] shapeOf(Session session, Map<Operand<?>, Tensor> feeds, Operand<?> fetch) {
        Session.Runner runner = session.runner();
        feeds.forEach(runner::feed);
        try (Result result = runner.fetch(fetch).run()) {
            return result.get(0).shape().asArray();
        }
    }

    static float[] copy(Tensor tensor) {
        int size = (int) tensor.shape().size();
        float[] values = new float[size];
        if (tensor instanceof TFloat32 floats) {
            floats.copyTo(DataBuffers.of(values, false, false));
        } else if (tensor instanceof TInt32 ints) {
            int[] raw = new int[size];
            ints.copyTo(DataBuffers.of(raw, false, false));
            for (int i = 0; i < size; i++) {
                values[i] = raw[i];
            }
        } else {
            throw new IllegalArgumentException("cannot copy a " + tensor.dataType() + " tensor");
        }
        return values;
    }

    /** Closes every fed tensor. */
    public static void close(Map<Operand<?>, Tensor> feeds) {
        feeds.values().forEach(Tensor::close);
    }
}
