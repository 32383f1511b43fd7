package dev.trainer4j.tf.internal;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.DataType;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.InputSpec;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Turns host batches into TF tensors without allocating per step: one tensor per (input, shape) is kept and the host
 * array is copied into it in place (one bulk copy). A few shapes per input are kept (varying sequence lengths);
 * the least recently used one is closed beyond that. Not thread-safe.
 */
public final class TfInputFeeder implements AutoCloseable {
    private static final int SHAPES_PER_INPUT = 8;

    private final Map<String, LinkedHashMap<String, Tensor>> cache = new HashMap<>();
    /** Per input, the tensor it was last fed with: the usual step (same shape again) skips building a shape key. */
    private final Map<String, LastTensor> last = new HashMap<>();
    private long evictions;

    private record LastTensor(DataType dataType, long[] dims, Tensor tensor) {
    }

    /** Checks that {@code batch} holds every input of {@code required} with the declared dtype and shape. */
    public static void validate(String modelName, List<InputSpec> required, Batch batch) {
        for (InputSpec spec : required) {
            HostTensor tensor = batch.tensors().get(spec.name());
            if (tensor == null) {
                throw new IllegalArgumentException("the batch has no input '" + spec.name() + "' (" + describe(spec)
                        + ") that model '" + modelName + "' declares; batch keys: " + batch.names());
            }
            if (tensor.dataType() != spec.dataType() || !spec.accepts(tensor.shape())) {
                throw new IllegalArgumentException("input '" + spec.name() + "' of model '" + modelName + "' expects "
                        + describe(spec) + " but the batch gives " + tensor.dataType() + Arrays.toString(tensor.shape())
                        + "; batch keys: " + batch.names());
            }
        }
    }

    private static String describe(InputSpec spec) {
        return spec.dataType() + Arrays.toString(spec.shape());
    }

    /**
     * Whether {@code tensors} starts with the very tensor objects of {@code previous} (at least as many). A feeder
     * reuses one tensor per input and shape, so the same objects mean the same shapes: the usual step can skip
     * everything keyed by the shapes.
     */
    static boolean sameTensors(Tensor[] tensors, Tensor[] previous) {
        for (int i = 0; i < previous.length; i++) {
            if (tensors[i] != previous[i]) {
                return false;
            }
        }
        return true;
    }

    /** The TF class of a host data type. */
    public static Class<? extends TType> tensorType(DataType dataType) {
        return switch (dataType) {
            case FLOAT32 -> TFloat32.class;
            case FLOAT64 -> TFloat64.class;
            case INT32 -> TInt32.class;
            case INT64 -> TInt64.class;
        };
    }

    /** A tensor holding {@code host}'s values (owned by this feeder; valid until the next call for its name). */
    public Tensor tensor(String name, HostTensor host) {
        LastTensor previous = last.get(name);
        if (previous != null && previous.dataType() == host.dataType() && Arrays.equals(previous.dims(), host.shape())) {
            write(previous.tensor(), host);
            return previous.tensor();
        }
        LinkedHashMap<String, Tensor> shapes = cache.computeIfAbsent(name, key -> new LinkedHashMap<>(16, 0.75f, true));
        long[] dims = host.shape();
        String key = host.dataType() + Arrays.toString(dims);
        Tensor tensor = shapes.get(key);
        if (tensor == null) {
            tensor = Tensor.of(tensorType(host.dataType()), Shape.of(dims));
            shapes.put(key, tensor);
            if (shapes.size() > SHAPES_PER_INPUT) {
                Iterator<Tensor> eldest = shapes.values().iterator();
                eldest.next().close();
                eldest.remove();
                evictions++;
            }
        }
        write(tensor, host);
        last.put(name, new LastTensor(host.dataType(), dims.clone(), tensor));
        return tensor;
    }

    /** Grows when a cached tensor was closed; runners holding old tensors must then be dropped. */
    public long evictions() {
        return evictions;
    }

    private static void write(Tensor tensor, HostTensor host) {
        requireNonNull(host, "host is null");
        switch (host.dataType()) {
            case FLOAT32 -> ((TFloat32) tensor).copyFrom(DataBuffers.of(host.floats(), true, false));
            case FLOAT64 -> ((TFloat64) tensor).copyFrom(DataBuffers.of(host.doubles(), true, false));
            case INT32 -> ((TInt32) tensor).copyFrom(DataBuffers.of(host.ints(), true, false));
            case INT64 -> ((TInt64) tensor).copyFrom(DataBuffers.of(host.longs(), true, false));
        }
    }

    @Override
    public void close() {
        for (LinkedHashMap<String, Tensor> shapes : cache.values()) {
            shapes.values().forEach(Tensor::close);
        }
        cache.clear();
        last.clear();
    }
}
