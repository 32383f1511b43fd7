package dev.trainer4j.config;

import dev.trainer4j.api.ConfigurationException;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.trainer4j.api.WeightMapping;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A run file's {@code init-from} block: the weights a run starts from (another run's checkpoint or a tensor bundle,
 * a safetensors or ONNX file, a folder with {@code model.safetensors}, or {@code classpath:<name>}) and how their
 * names map onto the model's. Applied before training by {@code Trainer.initializeFrom}.
 *
 * @param path the source, resolved against the run file's folder ({@code classpath:} paths are kept as written)
 * @param mapping prefix rewrites, skips and strictness
 * @param minLoaded the least fraction of the model's variables (those not skipped) that must load, in [0, 1]: a
 *        source of another model loads few and must not train from random weights unnoticed
 */
public record WeightInitSettings(Path path, WeightMapping mapping, double minLoaded) {
    /** The keys of an {@code init-from} block. */
    public static final Set<String> KEYS = Set.of("path", "rename", "skip", "strict", "min-loaded");
    private static final String REGEX_PREFIX = "re:";
    /** A path naming a class path resource, e.g. {@code classpath:all-minilm-l6-v2}; kept as written, not resolved. */
    public static final String CLASSPATH_PREFIX = "classpath:";

    public WeightInitSettings {
        requireNonNull(path, "path is null");
        requireNonNull(mapping, "mapping is null");
        if (!(minLoaded >= 0 && minLoaded <= 1)) {
            throw new ConfigurationException("init-from.min-loaded", minLoaded, "a fraction from 0 to 1");
        }
    }

    /**
     * Checks what {@code Trainer.initializeFrom} loaded against {@link #minLoaded()}: the fraction of the model's
     * variables that loaded (skipped ones not counted).
     *
     * @throws ConfigurationException on {@code init-from.min-loaded} when fewer loaded, naming the fraction and lists
     */
    public void checkLoaded(WeightMapping.Report report) {
        int considered = report.loaded().size() + report.missing().size() + report.mismatched().size();
        double fraction = considered == 0 ? 1.0 : (double) report.loaded().size() / considered;
        if (fraction < minLoaded) {
            throw new ConfigurationException("init-from.min-loaded", String.format(java.util.Locale.ROOT,
                    "init-from: only %d of the model's %d variables (%.0f%%) loaded from %s, fewer than init-from.min-loaded"
                    + " = %s; missing %s, mismatched %s. Is it a checkpoint of another model? Map names with init-from.rename"
                    + " or skip, or set min-loaded = 0 and strict = false to start from it anyway",
                    report.loaded().size(), considered, fraction * 100, path, minLoaded, report.missing(),
                    report.mismatched().stream().map(mismatch -> mismatch.name() + ": model " + mismatch.modelShape()
                            + ", source " + mismatch.sourceShape()).toList()));
        }
    }

    /** Parses and checks {@code value} (the block as written) over {@code defaults}; errors name the key path. */
    static WeightInitSettings parse(ConfigValue value, Config defaults, Path baseDirectory) {
        if (value.valueType() != ConfigValueType.OBJECT) {
            throw new ConfigurationException("init-from", "init-from: " + RunConfigParser.describe(value)
                    + " is not allowed; expected a block such as init-from { path = ../pretrained/checkpoint-500 }");
        }
        ConfigObject block = (ConfigObject) value;
        for (String key : block.keySet()) {
            if (!KEYS.contains(key)) {
                throw new ConfigurationException("init-from." + key, "init-from." + key + RunConfigParser.where(block.get(key))
                        + ": unknown key" + Suggestions.didYouMean(key, KEYS) + "; init-from has " + new java.util.TreeSet<>(KEYS));
            }
        }
        Config settings = block.toConfig().withFallback(defaults);
        if (!settings.hasPath("path")) {
            throw new ConfigurationException("init-from.path", "init-from.path: missing; expected the folder of a "
                    + "checkpoint (checkpoint-<step>) or a tensor bundle to start from");
        }
        String written = string(settings, "path");
        Path path;
        if (written.startsWith(CLASSPATH_PREFIX)) {
            path = Path.of(written); // resolved from the class path by the backend
        }
        else {
            path = baseDirectory.resolve(written).normalize();
            if (!Files.exists(path) && !Files.exists(Path.of(path + ".index"))) {
                throw new ConfigurationException("init-from.path", "init-from.path" + RunConfigParser.where(block.get("path"))
                        + ": " + path + " does not exist; expected a checkpoint-<step> folder, an engine folder, a tensor"
                        + " bundle, a .safetensors or .onnx file, a folder with model.safetensors, or classpath:<name>");
            }
        }
        WeightMapping mapping = WeightMapping.IDENTITY.strict(bool(settings, "strict"));
        List<? extends ConfigObject> renames = list(settings, "rename", () -> settings.getObjectList("rename"));
        for (int i = 0; i < renames.size(); i++) {
            ConfigObject rename = renames.get(i);
            String at = "init-from.rename[" + i + "]";
            if (!rename.keySet().equals(Set.of("from", "to"))) {
                throw new ConfigurationException(at, at + RunConfigParser.where(rename) + ": has keys " + rename.keySet()
                        + "; expected exactly { from = \"<source prefix>\", to = \"<model prefix>\" }");
            }
            mapping = mapping.rewritePrefix(string(rename.toConfig(), "from"), string(rename.toConfig(), "to"));
        }
        for (String skip : list(settings, "skip", () -> settings.getStringList("skip"))) {
            mapping = skip.startsWith(REGEX_PREFIX) ? mapping.skipRegex(skip.substring(REGEX_PREFIX.length())) : mapping.skipGlob(skip);
        }
        double minLoaded;
        try {
            minLoaded = settings.getDouble("min-loaded");
        }
        catch (ConfigException.WrongType e) {
            throw new ConfigurationException("init-from.min-loaded", "init-from.min-loaded: "
                    + RunConfigParser.describe(settings.getValue("min-loaded")) + " is not allowed; expected a fraction from 0 to 1");
        }
        return new WeightInitSettings(path, mapping, minLoaded);
    }

    private static String string(Config settings, String key) {
        try {
            return settings.getString(key);
        }
        catch (ConfigException.WrongType e) {
            throw new ConfigurationException("init-from." + key, "init-from." + key + ": "
                    + RunConfigParser.describe(settings.getValue(key)) + " is not allowed; expected a string");
        }
    }

    private static boolean bool(Config settings, String key) {
        try {
            return settings.getBoolean(key);
        }
        catch (ConfigException.WrongType e) {
            throw new ConfigurationException("init-from." + key, "init-from." + key + ": "
                    + RunConfigParser.describe(settings.getValue(key)) + " is not allowed; expected true or false");
        }
    }

    private static <T> List<T> list(Config settings, String key, java.util.function.Supplier<List<T>> read) {
        try {
            return read.get();
        }
        catch (ConfigException.WrongType e) {
            throw new ConfigurationException("init-from." + key, "init-from." + key + ": "
                    + RunConfigParser.describe(settings.getValue(key)) + " is not allowed; expected "
                    + (key.equals("rename") ? "a list of { from = ..., to = ... }" : "a list of strings"));
        }
    }
}
