package dev.trainer4j.tf.pretrained;

import dev.trainer4j.api.CheckpointException;
import dev.trainer4j.tf.io.TfCheckpointReader;
import dev.trainer4j.tf.pretrained.internal.DecoratedSource;
import dev.trainer4j.tf.pretrained.internal.OnnxInitializers;
import dev.trainer4j.tf.pretrained.internal.SafetensorsReader;
import dev.trainer4j.tf.pretrained.internal.ShardedSafetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Opens the weights a model is initialised from, by what {@code source} is:
 * <ul>
 *   <li>a {@code .safetensors} file, a {@code model.safetensors.index.json} (sharded) or an {@code .onnx} file;</li>
 *   <li>a folder: its TF bundle when it has one (a {@code checkpoint-N}, {@code engine}, saved model or exported
 *       model folder), else {@code model.safetensors.index.json}, {@code model.safetensors} or {@code model.onnx};
 *       the folder's {@code config.json}, when present, comes with the weights;</li>
 *   <li>a TF bundle prefix ({@code <prefix>.index} exists);</li>
 *   <li>{@value #CLASSPATH_PREFIX}{@code NAME}: a class path resource. {@code NAME} itself when it ends with
 *       {@code .onnx}, {@code .safetensors} or {@code .index.json}; else the folder {@code NAME/} when it holds
 *       {@code model.safetensors.index.json}, {@code model.safetensors} or {@code model.onnx} (with its
 *       {@code config.json}); else {@code NAME.onnx}, then {@code NAME.safetensors}. Resources inside a jar are
 *       copied to a temporary folder, deleted when the source is closed.</li>
 * </ul>
 */
public final class WeightSources {
    public static final String CLASSPATH_PREFIX = "classpath:";
    public static final String SAFETENSORS_INDEX = ShardedSafetensors.INDEX_FILE;
    public static final String ONNX_FILE = "model.onnx";
    private static final List<String> FOLDER_FILES = List.of(SAFETENSORS_INDEX, HuggingFaceWeights.MODEL_FILE, ONNX_FILE);
    private static final ObjectMapper JSON = new ObjectMapper();

    private WeightSources() {
    }

    /** True when {@code source} names a class path resource ({@value #CLASSPATH_PREFIX}{@code NAME}). */
    public static boolean isClasspath(Path source) {
        return requireNonNull(source, "source is null").toString().startsWith(CLASSPATH_PREFIX);
    }

    /** Opens {@code source}; see the class comment. Close it after use. */
    public static WeightSource open(Path source) {
        requireNonNull(source, "source is null");
        if (isClasspath(source)) {
            return openClasspath(source.toString().substring(CLASSPATH_PREFIX.length()));
        }
        return openPath(source, () -> { });
    }

    private static WeightSource openPath(Path source, Runnable afterClose) {
        WeightSource opened;
        Optional<Map<String, Object>> config = Optional.empty();
        try {
            if (Files.isDirectory(source)) {
                opened = openFolder(source);
                config = HuggingFaceWeights.readConfig(source.resolve(HuggingFaceWeights.CONFIG_FILE));
            }
            else if (Files.isRegularFile(source)) {
                opened = openFile(source);
            }
            else {
                opened = TfCheckpointReader.open(source);
            }
        }
        catch (RuntimeException e) {
            afterClose.run();
            throw e;
        }
        return new DecoratedSource(opened, config, afterClose);
    }

    private static WeightSource openFolder(Path folder) {
        if (TfCheckpointReader.findPrefix(folder).isPresent()) {
            return TfCheckpointReader.open(folder);
        }
        for (String name : FOLDER_FILES) {
            if (Files.isRegularFile(folder.resolve(name))) {
                return openFile(folder.resolve(name));
            }
        }
        return TfCheckpointReader.open(folder); // says what a folder may hold
    }

    private static WeightSource openFile(Path file) {
        String name = file.getFileName().toString();
        if (name.endsWith(".index.json")) {
            return ShardedSafetensors.open(file);
        }
        if (name.endsWith(".safetensors")) {
            return SafetensorsReader.open(file);
        }
        if (name.endsWith(".onnx")) {
            return OnnxInitializers.open(file);
        }
        if (name.endsWith(".index")) {
            String prefix = name.substring(0, name.length() - ".index".length());
            return TfCheckpointReader.open(file.resolveSibling(prefix));
        }
        throw new CheckpointException(file, "cannot initialise from " + file + ": a weights file must be a .safetensors,"
                + " model.safetensors.index.json or .onnx file (or a folder or TF bundle prefix)");
    }

    // ------------------------------------------------------------------------------------------------ class path

    private static WeightSource openClasspath(String name) {
        if (name.isBlank() || name.startsWith("/")) {
            throw new CheckpointException(Path.of(CLASSPATH_PREFIX + name), CLASSPATH_PREFIX + name
                    + ": expected a resource name without a leading '/', e.g. " + CLASSPATH_PREFIX + "all-minilm-l6-v2");
        }
        ClassLoader loader = Optional.ofNullable(Thread.currentThread().getContextClassLoader())
                .orElse(WeightSources.class.getClassLoader());
        List<String> tried = new ArrayList<>();
        if (name.endsWith(".onnx") || name.endsWith(".safetensors") || name.endsWith(".index.json")) {
            tried.add(name);
            Optional<WeightSource> file = classpathFiles(loader, "", List.of(name), name);
            if (file.isPresent()) {
                return file.get();
            }
        }
        String folder = name.endsWith("/") ? name : name + "/";
        for (String weights : FOLDER_FILES) {
            tried.add(folder + weights);
            if (loader.getResource(folder + weights) != null) {
                Set<String> files = new LinkedHashSet<>(List.of(weights, HuggingFaceWeights.CONFIG_FILE));
                if (weights.equals(SAFETENSORS_INDEX)) {
                    files.addAll(shardsOf(loader, folder + weights));
                }
                return classpathFiles(loader, folder, List.copyOf(files), "").orElseThrow();
            }
        }
        for (String file : List.of(name + ".onnx", name + ".safetensors")) {
            tried.add(file);
            Optional<WeightSource> found = classpathFiles(loader, "", List.of(file), file);
            if (found.isPresent()) {
                return found.get();
            }
        }
        throw new CheckpointException(Path.of(CLASSPATH_PREFIX + name), CLASSPATH_PREFIX + name
                + ": no such weights on the class path; tried the resources " + tried);
    }

    /** The shard files a class path {@code model.safetensors.index.json} names. */
    private static Set<String> shardsOf(ClassLoader loader, String index) {
        try (InputStream in = loader.getResourceAsStream(index)) {
            JsonNode weightMap = in == null ? null : JSON.readTree(in).get("weight_map");
            Set<String> shards = new LinkedHashSet<>();
            if (weightMap != null) {
                weightMap.elements().forEachRemaining(shard -> shards.add(shard.asText()));
            }
            return shards;
        }
        catch (IOException e) {
            throw new CheckpointException(Path.of(CLASSPATH_PREFIX + index), "cannot read " + CLASSPATH_PREFIX + index
                    + ": " + e.getMessage());
        }
    }

    /**
     * The source of resources {@code folder + files}: the first file is the weights ({@code open} names the file to
     * open, or "" for the folder). Resources on the file system are used in place; others are copied.
     */
    private static Optional<WeightSource> classpathFiles(ClassLoader loader, String folder, List<String> files, String open) {
        URL first = loader.getResource(folder + files.get(0));
        if (first == null) {
            return Optional.empty();
        }
        if ("file".equals(first.getProtocol())) {
            try {
                Path weights = Path.of(first.toURI());
                return Optional.of(openPath(open.isEmpty() ? weights.getParent() : weights, () -> { }));
            }
            catch (URISyntaxException e) {
                throw new IllegalStateException("the class path resource " + first + " has no file path", e);
            }
        }
        Path copy;
        try {
            copy = Files.createTempDirectory("trainer4j-weights");
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder for " + CLASSPATH_PREFIX + folder, e);
        }
        Runnable delete = () -> deleteQuietly(copy);
        try {
            for (String file : files) {
                try (InputStream in = loader.getResourceAsStream(folder + file)) {
                    if (in != null) {
                        Files.copy(in, copy.resolve(Path.of(file).getFileName().toString()), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        catch (IOException e) {
            delete.run();
            throw new UncheckedIOException("cannot copy " + CLASSPATH_PREFIX + folder + files + " to " + copy, e);
        }
        Path target = open.isEmpty() ? copy : copy.resolve(Path.of(open).getFileName().toString());
        return Optional.of(openPath(target, delete));
    }

    private static void deleteQuietly(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (IOException e) {
            // a temporary folder; the system cleans it eventually
        }
    }
}
