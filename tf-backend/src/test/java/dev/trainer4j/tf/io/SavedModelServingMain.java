package dev.trainer4j.tf.io;

import dev.trainer4j.api.HostTensor;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Run in a fresh JVM by the export test: loads a SavedModel with the tag {@code serve}, calls
 * {@code serving_default} on the tensors of an input file and writes every output into an output file.
 * Arguments: {@code <saved-model-dir> <input-file> <output-file>}.
 */
public final class SavedModelServingMain {
    private SavedModelServingMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: <saved-model-dir> <input-file> <output-file>, got " + List.of(args));
        }
        Map<String, HostTensor> inputs = TensorFiles.read(Path.of(args[1]));
        List<Tensor> fed = new ArrayList<>();
        try (SavedModelBundle bundle = SavedModelBundle.load(args[0], "serve")) {
            Map<String, Tensor> arguments = new LinkedHashMap<>();
            inputs.forEach((name, host) -> {
                Tensor tensor = toTensor(host);
                fed.add(tensor);
                arguments.put(name, tensor);
            });
            Map<String, HostTensor> outputs = new LinkedHashMap<>();
            try (Result result = bundle.function("serving_default").call(arguments)) {
                for (Map.Entry<String, Tensor> entry : result) {
                    outputs.put(entry.getKey(), toHost(entry.getValue()));
                }
            }
            TensorFiles.write(Path.of(args[2]), outputs);
        }
        finally {
            fed.forEach(Tensor::close);
        }
    }

    private static Tensor toTensor(HostTensor host) {
        Shape shape = Shape.of(host.shape());
        return switch (host.dataType()) {
            case FLOAT32 -> TFloat32.tensorOf(shape, DataBuffers.of(host.floats(), true, false));
            case INT32 -> TInt32.tensorOf(shape, DataBuffers.of(host.ints(), true, false));
            case INT64 -> TInt64.tensorOf(shape, DataBuffers.of(host.longs(), true, false));
            default -> throw new IllegalArgumentException("unsupported input type " + host.dataType());
        };
    }

    static HostTensor toHost(Tensor tensor) {
        long[] shape = tensor.shape().asArray();
        int size = Math.toIntExact(tensor.shape().size());
        if (tensor instanceof TFloat32 floats) {
            float[] values = new float[size];
            floats.copyTo(DataBuffers.of(values, false, false));
            return HostTensor.ofFloats(values, shape);
        }
        if (tensor instanceof TInt32 ints) {
            int[] values = new int[size];
            ints.copyTo(DataBuffers.of(values, false, false));
            return HostTensor.ofInts(values, shape);
        }
        if (tensor instanceof TInt64 longs) {
            long[] values = new long[size];
            longs.copyTo(DataBuffers.of(values, false, false));
            return HostTensor.ofLongs(values, shape);
        }
        throw new IllegalArgumentException("unsupported output type " + tensor.dataType());
    }
}
