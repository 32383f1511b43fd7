package dev.trainer4j.tf.io;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.tensorflow.TensorFlow;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.internal.c_api.TF_CheckpointReader;
import org.tensorflow.internal.c_api.TF_Status;
import org.tensorflow.internal.c_api.TF_Tensor;
import org.tensorflow.proto.DataType;
import dev.trainer4j.tf.pretrained.WeightSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_CheckpointReaderGetTensor;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_CheckpointReaderGetVariable;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_CheckpointReaderGetVariableDataType;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_CheckpointReaderGetVariableNumDims;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_CheckpointReaderGetVariableShape;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_CheckpointReaderHasTensor;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_CheckpointReaderSize;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteCheckpointReader;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteTensor;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_NewCheckpointReader;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_TensorData;
import static org.tensorflow.internal.c_api.global.tensorflow.TF_TensorType;

/**
 * Reads a TF V2 tensor bundle (keys, shapes, float values) through the C checkpoint reader, without a graph: the
 * {@link WeightSource} of another trainer4j run's weights. Not thread-safe; close it to free the reader.
 */
public final class TfCheckpointReader implements WeightSource {
    private final Path prefix;
    private final TF_CheckpointReader reader;
    private final List<String> keys;
    private boolean closed;

    private TfCheckpointReader(Path prefix, TF_CheckpointReader reader) {
        this.prefix = prefix;
        this.reader = reader;
        int size = TF_CheckpointReaderSize(reader);
        List<String> names = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            names.add(TF_CheckpointReaderGetVariable(reader, i).getString());
        }
        Collections.sort(names);
        this.keys = List.copyOf(names);
    }

    /**
     * Opens the bundle at {@code source}: a folder holding {@code variables.index} (a checkpoint's {@code engine}
     * folder), a {@code checkpoint-N} folder (its {@code engine} bundle), a saved model folder of
     * {@code Trainer.saveModel} (its {@code weights} bundle), a SavedModel folder (its
     * {@code variables/variables} bundle), or a bundle prefix ({@code <prefix>.index} exists).
     */
    public static TfCheckpointReader open(Path source) {
        Path prefix = resolvePrefix(source);
        TensorFlow.version(); // loads the native library
        TF_Status status = TF_Status.newStatus();
        try {
            TF_CheckpointReader reader = TF_NewCheckpointReader(prefix.toAbsolutePath().toString(), status);
            try {
                status.throwExceptionIfNotOK();
            }
            catch (TensorFlowException e) {
                if (reader != null && !reader.isNull()) {
                    TF_DeleteCheckpointReader(reader);
                }
                throw new IllegalArgumentException("cannot read the weights bundle " + prefix + ".index: " + e.getMessage(), e);
            }
            return new TfCheckpointReader(prefix, reader);
        }
        finally {
            status.delete();
        }
    }

    /** The bundle prefix of {@code source}; see {@link #open}. */
    public static Path resolvePrefix(Path source) {
        requireNonNull(source, "source is null");
        if (Files.isDirectory(source)) {
            Optional<Path> found = findPrefix(source);
            if (found.isPresent()) {
                return found.get();
            }
            throw new IllegalArgumentException("no weights in folder " + source + ": expected " + TfCheckpoint.INDEX_FILE
                    + ", engine/" + TfCheckpoint.INDEX_FILE + " (a checkpoint-N folder), weights/" + TfCheckpoint.INDEX_FILE
                    + " (a saved model folder) or variables/variables.index"
                    + " (an exported model) inside it");
        }
        if (Files.isRegularFile(indexOf(source))) {
            return source;
        }
        throw new IllegalArgumentException("no weights at " + source + ": it is neither a folder nor a bundle prefix"
                + " (" + indexOf(source) + " does not exist)");
    }

    /**
     * The bundle prefix inside {@code folder}: {@code variables.index}, {@code engine/} (a checkpoint-N folder),
     * {@code weights/} (a saved model folder) or {@code variables/variables.index} (an exported model), if any.
     */
    public static Optional<Path> findPrefix(Path folder) {
        requireNonNull(folder, "folder is null");
        for (Path candidate : List.of(folder.resolve(TfCheckpoint.PREFIX),
                folder.resolve("engine").resolve(TfCheckpoint.PREFIX),
                folder.resolve("weights").resolve(TfCheckpoint.PREFIX),
                folder.resolve("variables").resolve("variables"))) {
            if (Files.isRegularFile(indexOf(candidate))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static Path indexOf(Path prefix) {
        return prefix.resolveSibling(prefix.getFileName() + ".index");
    }

    /** The bundle prefix read. */
    public Path prefix() {
        return prefix;
    }

    @Override
    public String location() {
        return prefix.toString();
    }

    /** Every key of the bundle, sorted. */
    @Override
    public List<String> keys() {
        return keys;
    }

    public boolean contains(String key) {
        checkOpen();
        return TF_CheckpointReaderHasTensor(reader, requireNonNull(key, "key is null")) != 0;
    }

    /** The shape of {@code key}. */
    @Override
    public long[] shape(String key) {
        requireKey(key);
        int rank = TF_CheckpointReaderGetVariableNumDims(reader, key);
        long[] dims = new long[rank];
        TF_Status status = TF_Status.newStatus();
        try {
            TF_CheckpointReaderGetVariableShape(reader, key, dims, rank, status);
            status.throwExceptionIfNotOK();
        }
        finally {
            status.delete();
        }
        return dims;
    }

    /** The element type of {@code key}: {@value WeightSource#FLOAT32} for float32, else TF's type name in lower case. */
    @Override
    public String dataType(String key) {
        DataType type = tensorType(key);
        return switch (type) {
            case DT_FLOAT -> FLOAT32;
            case DT_DOUBLE -> "float64";
            case DT_INT32 -> "int32";
            case DT_INT64 -> "int64";
            default -> type.name().toLowerCase(java.util.Locale.ROOT);
        };
    }

    /** The TF element type of {@code key}. */
    public DataType tensorType(String key) {
        requireKey(key);
        DataType type = DataType.forNumber(TF_CheckpointReaderGetVariableDataType(reader, key));
        return type == null ? DataType.UNRECOGNIZED : type;
    }

    /** The float32 values of {@code key}, row-major. */
    @Override
    public float[] readFloats(String key) {
        requireKey(key);
        TF_Status status = TF_Status.newStatus();
        TF_Tensor tensor = null;
        try {
            tensor = TF_CheckpointReaderGetTensor(reader, key, status);
            status.throwExceptionIfNotOK();
            if (TF_TensorType(tensor) != DataType.DT_FLOAT_VALUE) {
                throw new IllegalArgumentException("key '" + key + "' of " + prefix + " holds " + tensorType(key)
                        + ", not float32");
            }
            long size = Arrays.stream(shape(key)).reduce(1L, (a, b) -> a * b);
            float[] values = new float[Math.toIntExact(size)];
            Pointer data = TF_TensorData(tensor);
            // a view of the tensor's buffer (no deallocator of its own); the tensor is deleted below
            new FloatPointer(data).capacity(values.length).get(values);
            return values;
        }
        catch (TensorFlowException e) {
            throw new IllegalArgumentException("cannot read key '" + key + "' of " + prefix + ": " + e.getMessage(), e);
        }
        finally {
            if (tensor != null && !tensor.isNull()) {
                TF_DeleteTensor(tensor);
            }
            status.delete();
        }
    }

    private void requireKey(String key) {
        checkOpen();
        requireNonNull(key, "key is null");
        if (TF_CheckpointReaderHasTensor(reader, key) == 0) {
            throw new IllegalArgumentException("the bundle " + prefix + " has no key '" + key + "'");
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the reader of " + prefix + " is closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            TF_DeleteCheckpointReader(reader);
        }
    }
}
