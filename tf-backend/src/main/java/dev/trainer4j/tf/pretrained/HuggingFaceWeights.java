package dev.trainer4j.tf.pretrained;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.trainer4j.api.CheckpointException;
import dev.trainer4j.tf.pretrained.internal.HuggingFaceNamedSource;
import dev.trainer4j.tf.pretrained.internal.SafetensorsWriter;
import dev.trainer4j.tf.pretrained.internal.SafetensorsWriter.FloatTensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Hugging Face names on both sides of a model that implements {@link HuggingFaceNamed}:
 * <ul>
 *   <li>{@link #forModel}: a source with HF keys (safetensors, ONNX initializers) seen under the model's variable
 *       names and layouts, after its {@code config.json} (when it has one) is compared with the model's;</li>
 *   <li>{@link #write}: the model's values as {@value #MODEL_FILE} (HF names, HF layouts, float32) and
 *       {@value #CONFIG_FILE}, as {@code save_pretrained} writes them.</li>
 * </ul>
 * Keys match by {@link #baseName}: a leading {@code bert.} is not part of the match, so both HF's {@code BertModel}
 * ({@code encoder.layer.0...}) and {@code BertFor*} ({@code bert.encoder.layer.0...}) checkpoints map.
 */
public final class HuggingFaceWeights {
    public static final String MODEL_FILE = "model.safetensors";
    public static final String CONFIG_FILE = "config.json";
    /** The base-model prefixes that {@link #baseName} drops: HF's {@code BertFor*} heads keep the encoder under {@code bert.}. */
    public static final List<String> BASE_MODEL_PREFIXES = List.of("bert.");
    /** The {@code config.json} sizes compared with the model's; a difference is refused. */
    public static final List<String> SIZE_KEYS = List.of("hidden_size", "num_hidden_layers", "num_attention_heads",
            "intermediate_size", "vocab_size", "max_position_embeddings", "type_vocab_size", "layer_norm_eps");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private HuggingFaceWeights() {
    }

    /** {@code name} without a leading {@link #BASE_MODEL_PREFIXES base-model prefix}. */
    public static String baseName(String name) {
        requireNonNull(name, "name is null");
        for (String prefix : BASE_MODEL_PREFIXES) {
            if (name.startsWith(prefix) && name.length() > prefix.length()) {
                return name.substring(prefix.length());
            }
        }
        return name;
    }

    /**
     * {@code source} under the variable names of {@code model}; keys that match no HF name of the model keep
     * their names (a trainer4j checkpoint's keys are variable names already). The view does not own
     * {@code source}: close {@code source}.
     *
     * @throws CheckpointException when the source's {@code config.json} differs from the model's in a
     *         {@link #SIZE_KEYS size}, naming the key and both values
     */
    public static WeightSource forModel(WeightSource source, HuggingFaceNamed model) {
        requireNonNull(source, "source is null");
        requireNonNull(model, "model is null");
        source.huggingFaceConfig().ifPresent(config -> checkConfig(source.location(), config, model.huggingFaceConfig()));
        return new HuggingFaceNamedSource(source, model.huggingFaceNames());
    }

    /** Refuses a {@code config.json} that differs from the model's in one of {@link #SIZE_KEYS}. */
    public static void checkConfig(String location, Map<String, Object> sourceConfig, Map<String, Object> modelConfig) {
        for (String key : SIZE_KEYS) {
            Object given = sourceConfig.get(key);
            Object expected = modelConfig.get(key);
            if (given == null || expected == null) {
                continue;
            }
            if (!(given instanceof Number number) || !(expected instanceof Number modelNumber)
                    || Double.compare(number.doubleValue(), modelNumber.doubleValue()) != 0) {
                throw new CheckpointException(Path.of(location), "the config.json of " + location + " has " + key
                        + " = " + given + ", but the model has " + key + " = " + expected
                        + "; the weights are of another model size");
            }
        }
    }

    /**
     * Writes {@value #MODEL_FILE} and {@value #CONFIG_FILE} of {@code model} into {@code directory}.
     *
     * @param values every model variable's values by variable name, row-major
     * @param shapes every model variable's shape by variable name
     * @return the file names written
     */
    public static List<String> write(Path directory, HuggingFaceNamed model, Map<String, float[]> values,
                                     Map<String, long[]> shapes) {
        requireNonNull(directory, "directory is null");
        requireNonNull(model, "model is null");
        requireNonNull(values, "values is null");
        requireNonNull(shapes, "shapes is null");
        Map<String, FloatTensor> tensors = new LinkedHashMap<>();
        for (HuggingFaceName name : model.huggingFaceNames()) {
            float[] value = values.get(name.variable());
            long[] shape = shapes.get(name.variable());
            if (value == null || shape == null) {
                throw new IllegalArgumentException("the model names the variable '" + name.variable()
                        + "' (Hugging Face '" + name.huggingFaceName() + "'), which it does not have");
            }
            if (name.transposed()) {
                if (shape.length != 2) {
                    throw new IllegalArgumentException("the variable '" + name.variable() + "' is marked transposed"
                            + " but has " + shape.length + " dimensions");
                }
                value = HuggingFaceNamedSource.transpose(value, (int) shape[0], (int) shape[1]);
                shape = new long[] {shape[1], shape[0]};
            }
            if (tensors.put(name.huggingFaceName(), new FloatTensor(shape, value)) != null) {
                throw new IllegalArgumentException("the model gives the Hugging Face name '" + name.huggingFaceName()
                        + "' twice");
            }
        }
        SafetensorsWriter.write(directory.resolve(MODEL_FILE), tensors, Map.of("format", "pt"));
        try {
            JSON.writeValue(directory.resolve(CONFIG_FILE).toFile(), model.huggingFaceConfig());
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + directory.resolve(CONFIG_FILE), e);
        }
        return List.of(MODEL_FILE, CONFIG_FILE);
    }

    /** Reads a {@code config.json} file. */
    @SuppressWarnings("unchecked")
    public static Optional<Map<String, Object>> readConfig(Path file) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            Object parsed = JSON.readValue(file.toFile(), Object.class);
            if (!(parsed instanceof Map)) {
                throw new CheckpointException(file, file + " is not a JSON object of model settings");
            }
            return Optional.of((Map<String, Object>) parsed);
        }
        catch (IOException e) {
            throw new CheckpointException(file, "cannot read " + file + ": " + e.getMessage());
        }
    }
}
