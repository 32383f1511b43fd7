package dev.trainer4j.tf.pretrained;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Named tensors to initialise a model from, whatever the file format: a TF tensor bundle, a safetensors file or
 * folder, the initializers of an ONNX graph. {@link dev.trainer4j.tf.io.TfWeightInitializer} maps the keys onto the
 * model's variables through a {@link dev.trainer4j.api.WeightMapping} and reports missing, unexpected and mismatched
 * names the same way for every source. Not thread-safe; close it to free files and native readers.
 */
public interface WeightSource extends AutoCloseable {
    /** The data type of a value that loads into a model variable (sources upcast exactly convertible types to it). */
    String FLOAT32 = "float32";

    /** Where the weights come from (a file, a folder, a bundle prefix), for messages. */
    String location();

    /** Every key, sorted. */
    List<String> keys();

    /** The shape of {@code key}, outermost dimension first. */
    long[] shape(String key);

    /**
     * The element type of {@code key} as it loads: {@value #FLOAT32} for values {@link #readFloats} returns (stored
     * as float32 or converted exactly, e.g. from float16), otherwise the stored type in lower case, e.g.
     * {@code int64}; a variable mapped to such a key is reported as mismatched.
     */
    String dataType(String key);

    /** The values of {@code key} as float32, row-major; only for keys whose {@link #dataType} is {@value #FLOAT32}. */
    float[] readFloats(String key);

    /** Hugging Face's {@code config.json} that comes with the weights, when there is one. */
    default Optional<Map<String, Object>> huggingFaceConfig() {
        return Optional.empty();
    }

    @Override
    void close();
}
