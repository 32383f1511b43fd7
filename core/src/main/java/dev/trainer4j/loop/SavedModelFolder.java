package dev.trainer4j.loop;

import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.Model;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * The folder {@code Trainer.saveModel} writes and {@code Trainer.loadModel} reads (HF's {@code save_pretrained} /
 * {@code from_pretrained}):
 * <pre>
 * weights/            the model variables (the engine's MODEL scope; a TF tensor bundle on TensorFlow)
 * saved_model/        the serving SavedModel (tag serve, signature serving_default), when the backend can export
 * model_config.json   {"model_type": Model.name(), "inputs": [...], "format": "trainer4j-saved-model", ...}
 * tokenizer.json      the spec's tokenizer, when it has one
 * model.safetensors   the weights with Hugging Face names and layouts, for a model that has them (save-safetensors)
 * config.json         Hugging Face's model configuration, with model.safetensors
 * manifest.json       every other file's size and SHA-256, written last (as a checkpoint's)
 * </pre>
 */
public final class SavedModelFolder {
    public static final String WEIGHTS_DIR = "weights";
    public static final String SAVED_MODEL_DIR = "saved_model";
    public static final String MODEL_CONFIG = "model_config.json";
    public static final String TOKENIZER = "tokenizer.json";
    /** Hugging Face's weights file, written for a model with Hugging Face names ({@code save-safetensors}). */
    public static final String SAFETENSORS = "model.safetensors";
    /** Hugging Face's model configuration, written with {@value #SAFETENSORS}. */
    public static final String HUGGING_FACE_CONFIG = "config.json";
    public static final String MANIFEST = CheckpointManifest.FILE;
    /** The {@code format} of {@value #MODEL_CONFIG}. */
    public static final String FORMAT = "trainer4j-saved-model";
    private static final List<String> ENTRIES = List.of(WEIGHTS_DIR, SAVED_MODEL_DIR, MODEL_CONFIG, TOKENIZER,
            SAFETENSORS, HUGGING_FACE_CONFIG, MANIFEST);

    private SavedModelFolder() {
    }

    /** True when {@code folder} looks like a saved model folder (it has {@code weights/} and no checkpoint {@code engine/}). */
    public static boolean isSavedModel(Path folder) {
        requireNonNull(folder, "folder is null");
        return Files.isDirectory(folder.resolve(WEIGHTS_DIR)) && !Files.isDirectory(folder.resolve(Checkpoints.ENGINE_DIR));
    }

    /**
     * Prepares {@code folder} for a save: creates it, removes the manifest first (so an interrupted save is refused
     * by {@link CheckpointManifest#verify}) and then the entries of an earlier save. Any other file is refused, so a
     * save never mixes foreign files into the manifest.
     */
    public static void prepare(Path folder) {
        requireNonNull(folder, "folder is null");
        try {
            if (Files.exists(folder) && !Files.isDirectory(folder)) {
                throw new IllegalArgumentException("cannot save the model into " + folder + ": it is a file, not a folder");
            }
            Files.createDirectories(folder);
            List<String> foreign = new ArrayList<>();
            try (Stream<Path> entries = Files.list(folder)) {
                entries.map(path -> path.getFileName().toString()).filter(name -> !ENTRIES.contains(name)).sorted()
                        .forEach(foreign::add);
            }
            if (!foreign.isEmpty()) {
                throw new IllegalArgumentException("cannot save the model into " + folder + ": it holds " + foreign
                        + ", which a saved model folder does not; choose a new or empty folder");
            }
            Files.deleteIfExists(folder.resolve(MANIFEST));
            for (String entry : ENTRIES) {
                deleteRecursively(folder.resolve(entry));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + folder + " for a saved model", e);
        }
    }

    /** What {@value #MODEL_CONFIG} holds for {@code model}: its type (name) and inputs; models expose no other settings. */
    public static Map<String, Object> modelConfig(Model model) {
        requireNonNull(model, "model is null");
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("format", FORMAT);
        config.put("format_version", CheckpointManifest.FORMAT_VERSION);
        config.put("model_type", model.name());
        List<Map<String, Object>> inputs = new ArrayList<>();
        for (InputSpec input : model.inputs()) {
            Map<String, Object> described = new LinkedHashMap<>();
            described.put("name", input.name());
            described.put("dtype", input.dataType().name().toLowerCase(java.util.Locale.ROOT));
            described.put("shape", Arrays.stream(input.shape()).boxed().toList());
            described.put("label", input.label());
            inputs.add(described);
        }
        config.put("inputs", inputs);
        return config;
    }

    /** Writes {@value #MANIFEST} last: sizes and SHA-256 of every file, with the step the weights come from. */
    public static void writeManifest(Path folder, long globalStep) {
        try {
            CheckpointManifest.write(folder, globalStep);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write the manifest of " + folder, e);
        }
    }

    private static void deleteRecursively(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(path)) {
            for (Path each : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(each);
            }
        }
    }
}
