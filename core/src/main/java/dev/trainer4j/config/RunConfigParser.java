package dev.trainer4j.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import dev.trainer4j.api.ClusterSpec;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.cluster.ClusterSpecs;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Parses a run file into a {@link RunConfig}: resolves it against the defaults ({@code trainer4j.args} for
 * {@code args}, {@code trainer4j.plugins.<kind>.<name>} for each plugin block) and validates everything before any
 * training starts. Every error is one {@link ConfigurationException} naming the full key path, the value, what was
 * expected and, for unknown names, the nearest valid ones.
 *
 * <p>A run file has these keys at its root:
 * <pre>
 * model     { type = mlp-classifier, hidden-size = 64 }        # required
 * tokenizer { type = word-level }                              # optional
 * data {
 *   train { type = jsonl, path = train.jsonl }                 # optional (required by trainer4j train)
 *   eval  { type = jsonl, path = validation.jsonl }            # one dataset: the block has a type
 *   # eval { validation { type = jsonl, ... }, test-set { type = csv, ... } }   # several: no type, named blocks
 *   text-field = text                                          # optional: the field a tokenizer encodes
 *   target-field = target                                      # optional: seq2seq targets encoded into labels
 * }
 * collator  { type = padding }                                 # optional: the DefaultCollator
 * metrics   = [accuracy, { type = f1, average = macro }]       # a name, or a block with a type
 * callbacks = [progress, { type = early-stopping, early-stopping-patience = 3 }]
 * args      { learning-rate = 1e-3 }                           # kebab-case, or HF's snake_case names
 * backend   { type = tensorflow }                              # optional: trainer4j.run.backend
 * search    { trials = 20, space { ... } }                     # optional: read by trainer4j hpo only
 * cluster   { workers = ["host:port", ...], task-index = 0 }   # optional: a multi-worker run (or TF_CONFIG)
 * </pre>
 * Plugin blocks accept only the keys of their plugin's reference defaults, plus {@code type}; a plugin declares
 * every setting it reads there (with {@code null} for settings without a default).
 */
public final class RunConfigParser {
    /** A token in {@code args.output-dir} replaced by the run's start time. */
    public static final String TIMESTAMP = "{timestamp}";

    /** Run defaults in reference.conf, e.g. {@code trainer4j.run.backend}. */
    public static final String RUN_DEFAULTS_PATH = "trainer4j.run";

    private static final List<String> ROOT_KEYS =
            List.of("model", "tokenizer", "data", "collator", "metrics", "callbacks", "args", "backend", "init-from", "search",
                    ClusterSpec.CLUSTER_BLOCK);
    private static final List<String> DATA_KEYS = List.of("train", "eval", "text-field", "target-field");

    /** The reference default of {@code data.text-field}. */
    public static final String TEXT_FIELD_DEFAULT_PATH = RUN_DEFAULTS_PATH + ".text-field";

    private final Config reference;
    private final KnownPlugins knownPlugins;

    /**
     * @param reference the library defaults, e.g. {@code ConfigFactory.defaultReference()}: {@code trainer4j.args},
     *        {@code trainer4j.run} and every plugin's {@code trainer4j.plugins}
     * @param knownPlugins the registered factory names
     */
    public RunConfigParser(Config reference, KnownPlugins knownPlugins) {
        this.reference = requireNonNull(reference, "reference is null").resolve();
        this.knownPlugins = requireNonNull(knownPlugins, "knownPlugins is null");
    }

    /** Reads a run file, applies {@code overrides} (e.g. {@code --set}) over it, and parses the result. */
    public RunConfig load(Path runFile, Config overrides) {
        requireNonNull(runFile, "runFile is null");
        if (!Files.isRegularFile(runFile)) {
            throw new ConfigurationException(runFile.toString(), "run file " + runFile + " does not exist");
        }
        Config run;
        try {
            run = ConfigFactory.parseFile(runFile.toFile(),
                    ConfigParseOptions.defaults().setAllowMissing(false).setIncluder(new LocalIncluder()));
        }
        catch (ConfigException.IO e) {
            throw new ConfigurationException(runFile.toString(), "cannot read run file " + runFile + ": "
                    + describeMissingInclude(e), e);
        }
        catch (ConfigException e) {
            String message = e.getMessage();
            if (message.contains(LocalIncluder.REFUSED_PREFIX)) {
                String url = message.substring(message.indexOf(LocalIncluder.REFUSED_PREFIX) + LocalIncluder.REFUSED_PREFIX.length(),
                        message.indexOf(LocalIncluder.REFUSED_SUFFIX));
                throw new ConfigurationException(runFile.toString(), runFile + lineMentioning(runFile, url) + ": "
                        + message.substring(message.indexOf(LocalIncluder.REFUSED_PREFIX)), e);
            }
            throw new ConfigurationException(runFile.toString(), "cannot read run file " + runFile + ": " + message, e);
        }
        Path directory = runFile.toAbsolutePath().normalize().getParent();
        return parse(run, overrides, directory);
    }

    /**
     * Typesafe Config reports a missing {@code include required(...)} as {@code <name>: java.io.FileNotFoundException:
     * include was not found ...} or {@code <name>: IOException: resource not found on classpath ...}; this says it
     * without the Java class names.
     */
    private static String describeMissingInclude(ConfigException.IO e) {
        String message = e.getMessage();
        int colon = message.indexOf(':');
        boolean missing = message.contains("not found");
        if (colon <= 0 || !missing) {
            return message.replace("java.io.", "");
        }
        String name = message.substring(0, colon);
        return "the file it includes with include required(...), '" + name + "', does not exist (a relative name resolves"
                + " against the including file's folder, then the class path)";
    }

    /** {@code " line N"} for the first line of {@code file} that mentions {@code text}, or {@code ""}. */
    private static String lineMentioning(Path file, String text) {
        try {
            List<String> lines = Files.readAllLines(file);
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains(text)) {
                    return " line " + (i + 1);
                }
            }
        }
        catch (IOException | UncheckedIOException e) {
            return "";
        }
        return "";
    }

    /** Parses a run config (keys at its root); relative paths in it are resolved against {@code baseDirectory}. */
    public RunConfig parse(Config run, Path baseDirectory) {
        return parse(run, ConfigFactory.empty(), baseDirectory);
    }

    /** Parses {@code overrides} over {@code run}; both have the run's keys at their root. */
    public RunConfig parse(Config run, Config overrides, Path baseDirectory) {
        requireNonNull(baseDirectory, "baseDirectory is null");
        Config file = resolve(requireNonNull(run, "run is null"), "the run file");
        Config override = resolve(requireNonNull(overrides, "overrides is null"), "the overrides");

        Config argsDefaults = reference.getConfig(TrainingArguments.CONFIG_PATH);
        Config givenArgs = arguments(override, argsDefaults).withFallback(arguments(file, argsDefaults));
        Config merged = override.withoutPath("args").withFallback(file.withoutPath("args"));

        for (Map.Entry<String, ConfigValue> entry : merged.root().entrySet()) {
            checkRootKey(entry.getKey(), entry.getValue(), argsDefaults);
        }

        Config resolvedArgs = givenArgs.withFallback(argsDefaults);
        TrainingArguments args = trainingArguments(givenArgs, argsDefaults);

        ConfigValue modelValue = merged.root().get("model");
        if (modelValue == null) {
            throw new ConfigurationException("model", "model: missing; expected a block such as model { type = <name> }"
                    + available(PluginKind.MODELS));
        }
        PluginBlock model = block(PluginKind.MODELS, "model", modelValue);
        Optional<PluginBlock> tokenizer = optionalBlock(PluginKind.TOKENIZERS, "tokenizer", merged.root().get("tokenizer"));
        Optional<PluginBlock> collator = optionalBlock(PluginKind.COLLATORS, "collator", merged.root().get("collator"));
        List<PluginBlock> metrics = blockList(PluginKind.METRICS, "metrics", merged.root().get("metrics"));
        List<PluginBlock> callbacks = blockList(PluginKind.CALLBACKS, "callbacks", merged.root().get("callbacks"));
        refuseRepeatedCallbacks(callbacks);
        callbacks = withReporters(callbacks, args);

        Optional<PluginBlock> trainData = Optional.empty();
        Map<String, PluginBlock> evalData = new LinkedHashMap<>();
        Optional<String> textField = Optional.empty();
        ConfigValue targetField = null;
        ConfigValue dataValue = merged.root().get("data");
        if (dataValue != null) {
            ConfigObject data = object("data", dataValue, "a block such as data { train { type = jsonl, path = train.jsonl } }");
            for (Map.Entry<String, ConfigValue> entry : data.entrySet()) {
                if (!DATA_KEYS.contains(entry.getKey())) {
                    throw new ConfigurationException("data." + entry.getKey(), "data." + entry.getKey()
                            + ": unknown key" + Suggestions.didYouMean(entry.getKey(), DATA_KEYS) + "; data has " + DATA_KEYS);
                }
            }
            trainData = optionalBlock(PluginKind.DATASETS, "data.train", data.get("train"));
            ConfigValue eval = data.get("eval");
            if (eval != null) {
                evalData = evalBlocks(eval);
            }
            textField = textField(data.get("text-field"));
            targetField = data.get("target-field");
            if (targetField != null && targetField.valueType() != com.typesafe.config.ConfigValueType.NULL
                    && (targetField.valueType() != com.typesafe.config.ConfigValueType.STRING
                    || ((String) targetField.unwrapped()).isBlank())) {
                throw new ConfigurationException("data.target-field", "data.target-field: " + targetField.render()
                        + " is not allowed; expected the name of the dataset field holding the target text");
            }
        }

        ConfigValue backendValue = merged.root().get("backend");
        PluginBlock backend = backendValue != null
                ? block(PluginKind.BACKENDS, "backend", backendValue)
                : block(PluginKind.BACKENDS, "backend", reference.getValue(RUN_DEFAULTS_PATH + ".backend"));

        ConfigValue initValue = merged.root().get("init-from");
        Optional<WeightInitSettings> initFrom = initValue == null || initValue.valueType() == ConfigValueType.NULL
                ? Optional.empty()
                : Optional.of(WeightInitSettings.parse(initValue, reference.getConfig(RUN_DEFAULTS_PATH + ".init-from"), baseDirectory));

        Config resolved = ConfigFactory.empty()
                .withValue("model", model.rendered().root())
                .withValue("metrics", ConfigValueFactory.fromIterable(metrics.stream().map(b -> b.rendered().root()).toList()))
                .withValue("callbacks", ConfigValueFactory.fromIterable(callbacks.stream().map(b -> b.rendered().root()).toList()))
                .withValue("args", resolvedArgs.root())
                .withValue("backend", backend.rendered().root());
        if (tokenizer.isPresent()) {
            resolved = resolved.withValue("tokenizer", tokenizer.get().rendered().root());
        }
        if (collator.isPresent()) {
            resolved = resolved.withValue("collator", collator.get().rendered().root());
        }
        if (trainData.isPresent()) {
            resolved = resolved.withValue("data.train", trainData.get().rendered().root());
        }
        for (Map.Entry<String, PluginBlock> entry : evalData.entrySet()) {
            String path = entry.getKey().equals(TrainerSpec.DEFAULT_EVAL_NAME) ? "data.eval" : "data.eval." + quote(entry.getKey());
            resolved = resolved.withValue(path, entry.getValue().rendered().root());
        }
        if (textField.isPresent()) {
            resolved = resolved.withValue("data.text-field", ConfigValueFactory.fromAnyRef(textField.get()));
        }
        if (targetField != null && targetField.valueType() != com.typesafe.config.ConfigValueType.NULL) {
            resolved = resolved.withValue("data.target-field", targetField);
        }
        String defaultTextField = reference.hasPath(TEXT_FIELD_DEFAULT_PATH)
                ? reference.getString(TEXT_FIELD_DEFAULT_PATH) : RunConfig.TEXT_FIELD;
        if (initFrom.isPresent()) {
            resolved = resolved.withValue("init-from", initValue);
        }
        Optional<ConfigValue> search = Optional.ofNullable(merged.root().get("search"));
        if (search.isPresent()) {
            resolved = resolved.withValue("search", search.get());
        }
        if (merged.hasPath(ClusterSpec.CLUSTER_BLOCK)) {
            ClusterSpecs.fromBlock(merged.getConfig(ClusterSpec.CLUSTER_BLOCK));
            resolved = resolved.withValue(ClusterSpec.CLUSTER_BLOCK, merged.getValue(ClusterSpec.CLUSTER_BLOCK));
        }
        return new RunConfig(baseDirectory, model, tokenizer, trainData, evalData, textField, defaultTextField, initFrom, collator,
                metrics, callbacks, args, backend, search, resolved);
    }

    /** {@code data.text-field}: a non-blank string naming a dataset field. */
    private static Optional<String> textField(ConfigValue value) {
        if (value == null) {
            return Optional.empty();
        }
        if (value.valueType() != ConfigValueType.STRING || ((String) value.unwrapped()).isBlank()) {
            throw new ConfigurationException("data.text-field", "data.text-field: " + describe(value)
                    + " is not allowed; expected the name of the dataset field holding the text, e.g. data.text-field = text");
        }
        return Optional.of((String) value.unwrapped());
    }

    private static Config resolve(Config config, String what) {
        try {
            return config.resolve();
        }
        catch (ConfigException e) {
            throw new ConfigurationException("", "cannot resolve " + what + ": " + e.getMessage(), e);
        }
    }

    private Config arguments(Config run, Config argsDefaults) {
        ConfigValue value = run.root().get("args");
        if (value == null) {
            return ConfigFactory.empty();
        }
        ConfigObject args = object("args", value, "a block such as args { learning-rate = 1e-3 }");
        return ArgumentAliases.normalize(args.toConfig(), "args", argsDefaults.root().keySet());
    }

    private static TrainingArguments trainingArguments(Config givenArgs, Config argsDefaults) {
        try {
            return TrainingArguments.fromConfig(withRunFolder(givenArgs).withFallback(argsDefaults));
        }
        catch (ConfigurationException e) {
            String key = e.key();
            String message = e.getMessage();
            String located = givenArgs.hasPathOrNull(quote(key)) ? where(givenArgs.root().get(key)) : "";
            String full = message.startsWith(key + ":")
                    ? "args." + key + located + message.substring(key.length())
                    : "args." + key + located + ": " + message;
            throw new ConfigurationException("args." + key, full, e);
        }
        catch (ConfigException e) {
            throw new ConfigurationException("args", "args: " + e.getMessage(), e);
        }
    }

    /**
     * Expands {@value #TIMESTAMP} in {@code output-dir} to the start time and process id
     * ({@code yyyyMMdd-HHmmss-SSS-<pid>}, unique per run: {@link RunStamps}), so a run file can write to a fresh
     * folder each time it runs, even when two runs start in the same millisecond.
     */
    private static Config withRunFolder(Config givenArgs) {
        if (!givenArgs.hasPath("output-dir") || givenArgs.getValue("output-dir").valueType() != ConfigValueType.STRING) {
            return givenArgs;
        }
        String outputDir = givenArgs.getString("output-dir");
        if (!outputDir.contains(TIMESTAMP)) {
            return givenArgs;
        }
        String stamp = RunStamps.next(java.time.Clock.systemDefaultZone());
        return givenArgs.withValue("output-dir", ConfigValueFactory.fromAnyRef(outputDir.replace(TIMESTAMP, stamp),
                givenArgs.getValue("output-dir").origin().description()));
    }

    private void checkRootKey(String key, ConfigValue value, Config argsDefaults) {
        if (ROOT_KEYS.contains(key)) {
            return;
        }
        String hint = Suggestions.didYouMean(key, ROOT_KEYS);
        if (argsDefaults.root().containsKey(key.replace('_', '-'))) {
            hint = "; did you mean 'args." + key + "'? (training arguments go in the args block)";
        }
        else if (key.equals("trainer4j")) {
            hint = "; a run file has its keys at its root (model, data, args, ...), not under trainer4j";
        }
        else if (key.equals("loss")) {
            hint = "; a loss is graph code of the backend, so it is changed in code, not in a run file: subclass the"
                    + " backend's trainer and override computeLoss (TfTrainer#computeLoss, see samples/custom-loss)";
        }
        throw new ConfigurationException(key, key + ": unknown key at the root of the run file (given "
                + describe(value) + ")" + hint + "; a run file has " + ROOT_KEYS);
    }

    private Optional<PluginBlock> optionalBlock(PluginKind kind, String path, ConfigValue value) {
        return value == null ? Optional.empty() : Optional.of(block(kind, path, value));
    }

    /**
     * HF's {@code report_to}: adds the logging callbacks it names that {@code callbacks} lacks, never one twice;
     * {@code all} adds every installed one, {@code none} (alone) none. A named one that is not installed is an error.
     */
    private List<PluginBlock> withReporters(List<PluginBlock> callbacks, TrainingArguments args) {
        List<String> reportTo = args.reportTo();
        String path = "args." + TrainingArguments.REPORT_TO.key();
        if (reportTo.contains("none") && reportTo.size() > 1) {
            throw new ConfigurationException(path, path + ": " + reportTo + " has 'none' with other names; give 'none' alone");
        }
        Set<String> installed = knownPlugins.names(PluginKind.CALLBACKS);
        List<String> wanted = new ArrayList<>();
        for (String name : reportTo) {
            if (name.equals("all")) {
                TrainingArguments.REPORTERS.values().stream().filter(installed::contains).sorted().forEach(wanted::add);
            }
            else if (!name.equals("none")) {
                String callback = TrainingArguments.REPORTERS.get(name);
                if (!installed.contains(callback)) {
                    throw new ConfigurationException(path, path + ": '" + name + "' needs the callback '" + callback
                            + "', which is not installed" + available(PluginKind.CALLBACKS));
                }
                wanted.add(callback);
            }
        }
        List<PluginBlock> result = new ArrayList<>(callbacks);
        Set<String> present = new java.util.HashSet<>();
        callbacks.forEach(block -> present.add(block.type()));
        for (String callback : wanted) {
            if (present.add(callback)) {
                result.add(block(PluginKind.CALLBACKS, path, ConfigValueFactory.fromAnyRef(callback)));
            }
        }
        return List.copyOf(result);
    }

    /** A callback given twice would see (and write) every event twice, e.g. {@code [jsonl-logger, jsonl-logger]}. */
    private static void refuseRepeatedCallbacks(List<PluginBlock> callbacks) {
        Map<String, String> firstPath = new LinkedHashMap<>();
        for (PluginBlock block : callbacks) {
            String earlier = firstPath.putIfAbsent(block.type(), block.path());
            if (earlier != null) {
                throw new ConfigurationException(block.path(), block.path() + ": callback '" + block.type()
                        + "' is already given as " + earlier + "; each callback runs once, so give it once (with all its"
                        + " settings in one block)");
            }
        }
    }

    private List<PluginBlock> blockList(PluginKind kind, String path, ConfigValue value) {
        if (value == null) {
            return List.of();
        }
        if (value.valueType() != ConfigValueType.LIST) {
            throw new ConfigurationException(path, path + ": " + describe(value) + " is not allowed; expected a list such as "
                    + path + " = [name, { type = name, key = value }]");
        }
        List<PluginBlock> blocks = new ArrayList<>();
        ConfigList list = (ConfigList) value;
        for (int i = 0; i < list.size(); i++) {
            blocks.add(block(kind, path + "[" + i + "]", list.get(i)));
        }
        return blocks;
    }

    /** {@code data.eval}: a block with a {@code type} (or a name) is one dataset; otherwise every entry is a named one. */
    private Map<String, PluginBlock> evalBlocks(ConfigValue eval) {
        Map<String, PluginBlock> blocks = new LinkedHashMap<>();
        if (eval.valueType() == ConfigValueType.STRING
                || (eval.valueType() == ConfigValueType.OBJECT && ((ConfigObject) eval).containsKey("type"))) {
            blocks.put(TrainerSpec.DEFAULT_EVAL_NAME, block(PluginKind.DATASETS, "data.eval", eval));
            return blocks;
        }
        ConfigObject named = object("data.eval", eval,
                "a dataset block { type = jsonl, ... } or named dataset blocks { validation { type = jsonl, ... } }");
        if (named.isEmpty()) {
            throw new ConfigurationException("data.eval", "data.eval: an empty block is not allowed; expected a dataset "
                    + "block { type = jsonl, ... } or named dataset blocks { validation { type = jsonl, ... } }");
        }
        List<Map.Entry<String, ConfigValue>> entries = new ArrayList<>(named.entrySet());
        entries.sort(Comparator.<Map.Entry<String, ConfigValue>>comparingInt(e -> e.getValue().origin().lineNumber())
                .thenComparing(Map.Entry::getKey));
        for (Map.Entry<String, ConfigValue> entry : entries) {
            blocks.put(entry.getKey(), block(PluginKind.DATASETS, "data.eval." + entry.getKey(), entry.getValue()));
        }
        return blocks;
    }

    private PluginBlock block(PluginKind kind, String path, ConfigValue value) {
        String type;
        Config given;
        if (value.valueType() == ConfigValueType.STRING) {
            type = (String) value.unwrapped();
            given = ConfigFactory.empty();
        }
        else if (value.valueType() == ConfigValueType.OBJECT) {
            ConfigObject object = (ConfigObject) value;
            ConfigValue typeValue = object.get("type");
            if (typeValue == null) {
                throw new ConfigurationException(path + ".type", path + ".type: missing; expected the " + kind.singular()
                        + " name, e.g. " + path + " { type = <name> }" + available(kind));
            }
            if (typeValue.valueType() != ConfigValueType.STRING) {
                throw new ConfigurationException(path + ".type", path + ".type: " + describe(typeValue)
                        + " is not allowed; expected a " + kind.singular() + " name" + available(kind));
            }
            type = (String) typeValue.unwrapped();
            given = object.withoutKey("type").toConfig();
        }
        else {
            throw new ConfigurationException(path, path + ": " + describe(value) + " is not allowed; expected a "
                    + kind.singular() + " name or a block { type = <name>, ... }" + available(kind));
        }
        Set<String> names = knownPlugins.names(kind);
        if (!names.contains(type)) {
            String typePath = value.valueType() == ConfigValueType.OBJECT ? path + ".type" : path;
            throw new ConfigurationException(typePath, typePath + ": unknown " + kind.singular() + " '" + type + "'"
                    + where(value) + Suggestions.didYouMean(type, names) + available(kind));
        }
        Config defaults = pluginDefaults(kind, type);
        checkKeys(given, defaults, path, kind, type);
        return new PluginBlock(kind, path, type, given.withFallback(defaults));
    }

    private Config pluginDefaults(PluginKind kind, String type) {
        String path = kind.defaultsPath(type);
        if (!reference.hasPath(path)) {
            return ConfigFactory.empty();
        }
        ConfigValue value = reference.getValue(path);
        if (value.valueType() != ConfigValueType.OBJECT) {
            throw new ConfigurationException(path, path + ": the reference defaults of " + kind.singular() + " '" + type
                    + "' are " + describe(value) + "; expected a block (a packaging error of that plugin)");
        }
        return ((ConfigObject) value).toConfig();
    }

    private static void checkKeys(Config given, Config defaults, String path, PluginKind kind, String type) {
        for (Map.Entry<String, ConfigValue> entry : given.root().entrySet()) {
            String key = entry.getKey();
            ConfigValue value = entry.getValue();
            String full = path + "." + key;
            ConfigValue defaultValue = defaults.root().get(key);
            if (defaultValue == null) {
                Set<String> valid = defaults.root().keySet();
                String settings = valid.isEmpty()
                        ? kind.singular() + " '" + type + "' takes no settings"
                        : kind.singular() + " '" + type + "' has " + new java.util.TreeSet<>(valid);
                throw new ConfigurationException(full, full + ": unknown setting (given " + describe(value) + ")"
                        + Suggestions.didYouMean(key, valid) + "; " + settings + " (see " + kind.defaultsPath(type)
                        + " in reference.conf)");
            }
            if (defaultValue.valueType() == ConfigValueType.OBJECT && value.valueType() == ConfigValueType.OBJECT
                    && !((ConfigObject) defaultValue).isEmpty()) {
                checkKeys(((ConfigObject) value).toConfig(), ((ConfigObject) defaultValue).toConfig(), full, kind, type);
            }
            else if (!compatible(defaultValue, value)) {
                throw new ConfigurationException(full, full + ": " + describe(value) + " is not allowed; expected "
                        + expected(defaultValue.valueType()) + " (the default is "
                        + defaultValue.render(ConfigRenderOptions.concise()) + ")");
            }
        }
    }

    private static boolean compatible(ConfigValue defaultValue, ConfigValue value) {
        ConfigValueType expected = defaultValue.valueType();
        ConfigValueType actual = value.valueType();
        if (expected == ConfigValueType.NULL || actual == ConfigValueType.NULL || expected == actual) {
            return true;
        }
        return switch (expected) {
            case NUMBER -> actual == ConfigValueType.STRING && isNumber((String) value.unwrapped());
            case BOOLEAN -> actual == ConfigValueType.STRING
                    && Set.of("true", "false", "yes", "no", "on", "off").contains(((String) value.unwrapped()).toLowerCase(Locale.ROOT));
            case STRING -> actual == ConfigValueType.NUMBER || actual == ConfigValueType.BOOLEAN;
            case LIST, OBJECT, NULL -> false;
        };
    }

    private static boolean isNumber(String text) {
        try {
            Double.parseDouble(text.trim());
            return true;
        }
        catch (NumberFormatException e) {
            return false;
        }
    }

    private static String expected(ConfigValueType type) {
        return switch (type) {
            case NUMBER -> "a number";
            case BOOLEAN -> "true or false";
            case STRING -> "a string";
            case LIST -> "a list [...]";
            case OBJECT -> "a block { ... }";
            case NULL -> "null";
        };
    }

    private static ConfigObject object(String path, ConfigValue value, String expected) {
        if (value.valueType() != ConfigValueType.OBJECT) {
            throw new ConfigurationException(path, path + ": " + describe(value) + " is not allowed; expected " + expected);
        }
        return (ConfigObject) value;
    }

    private String available(PluginKind kind) {
        Set<String> names = knownPlugins.names(kind);
        return names.isEmpty()
                ? "; no " + kind.singular() + " plugin is installed"
                : "; available " + kind.configName() + ": " + names;
    }

    /** A value as written, in one line, with where it was written when known: {@code 0.1 at run.conf:4}. */
    static String describe(ConfigValue value) {
        return value.render(ConfigRenderOptions.concise()) + where(value);
    }

    /** {@code " at run.conf:4"} when the value comes from a file, else an empty string. */
    static String where(ConfigValue value) {
        if (value == null) {
            return "";
        }
        ConfigOrigin origin = value.origin();
        if (origin == null || origin.filename() == null || origin.lineNumber() <= 0) {
            return "";
        }
        return " at " + Path.of(origin.filename()).getFileName() + ":" + origin.lineNumber();
    }

    private static String quote(String key) {
        return "\"" + key.replace("\"", "\\\"") + "\"";
    }
}
