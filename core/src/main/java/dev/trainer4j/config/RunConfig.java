package dev.trainer4j.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import dev.trainer4j.api.TrainingArguments;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A run file parsed, resolved against every default and validated: what {@code trainer4j train} runs. Immutable.
 * Made by {@link RunConfigParser}; {@link #render()} prints it fully resolved ({@code trainer4j config}).
 */
public final class RunConfig {
    /** The text field without {@code data.text-field} and without a reference default. */
    public static final String TEXT_FIELD = "text";

    private final Path baseDirectory;
    private final PluginBlock model;
    private final Optional<PluginBlock> tokenizer;
    private final Optional<PluginBlock> trainData;
    private final Map<String, PluginBlock> evalData;
    private final Optional<String> textField;
    private final String defaultTextField;
    private final Optional<WeightInitSettings> initFrom;
    private final Optional<PluginBlock> collator;
    private final List<PluginBlock> metrics;
    private final List<PluginBlock> callbacks;
    private final TrainingArguments args;
    private final PluginBlock backend;
    private final Optional<ConfigValue> search;
    private final Config resolved;

    RunConfig(Path baseDirectory, PluginBlock model, Optional<PluginBlock> tokenizer, Optional<PluginBlock> trainData,
            Map<String, PluginBlock> evalData, Optional<String> textField, String defaultTextField, Optional<WeightInitSettings> initFrom, Optional<PluginBlock> collator, List<PluginBlock> metrics,
            List<PluginBlock> callbacks, TrainingArguments args, PluginBlock backend, Optional<ConfigValue> search, Config resolved) {
        this.baseDirectory = requireNonNull(baseDirectory, "baseDirectory is null");
        this.model = requireNonNull(model, "model is null");
        this.tokenizer = requireNonNull(tokenizer, "tokenizer is null");
        this.trainData = requireNonNull(trainData, "trainData is null");
        this.evalData = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(evalData, "evalData is null")));
        this.textField = requireNonNull(textField, "textField is null");
        this.defaultTextField = requireNonNull(defaultTextField, "defaultTextField is null");
        this.initFrom = requireNonNull(initFrom, "initFrom is null");
        this.collator = requireNonNull(collator, "collator is null");
        this.metrics = List.copyOf(requireNonNull(metrics, "metrics is null"));
        this.callbacks = List.copyOf(requireNonNull(callbacks, "callbacks is null"));
        this.args = requireNonNull(args, "args is null");
        this.backend = requireNonNull(backend, "backend is null");
        this.search = requireNonNull(search, "search is null");
        this.resolved = requireNonNull(resolved, "resolved is null");
    }

    /** The folder relative paths are resolved against: the run file's folder. */
    public Path baseDirectory() { return baseDirectory; }
    public PluginBlock model() { return model; }
    public Optional<PluginBlock> tokenizer() { return tokenizer; }
    /** {@code data.train}. */
    public Optional<PluginBlock> trainData() { return trainData; }
    /** {@code data.eval} by name; the single unnamed block is under {@code dev.trainer4j.api.TrainerSpec#DEFAULT_EVAL_NAME}. */
    public Map<String, PluginBlock> evalData() { return evalData; }
    /** {@code data.text-field} when the run file sets it: the dataset field the run's tokenizer encodes. */
    public Optional<String> textField() { return textField; }

    /**
     * The dataset field the run's tokenizer encodes: {@code data.text-field} when set, else the field a trainable
     * tokenizer learns from ({@code trainingField}, e.g. its {@code train-from}), else the reference default
     * {@code trainer4j.run.text-field} ({@code "text"}).
     */
    public String textField(Optional<String> tokenizerTrainingField) {
        requireNonNull(tokenizerTrainingField, "tokenizerTrainingField is null");
        return textField.or(() -> tokenizerTrainingField).orElse(defaultTextField);
    }

    /** {@code init-from}: the weights the run starts from, applied when its trainer is made. */
    public Optional<WeightInitSettings> initFrom() { return initFrom; }

    /** Empty: the {@code DefaultCollator}. */
    public Optional<PluginBlock> collator() { return collator; }
    public List<PluginBlock> metrics() { return metrics; }
    public List<PluginBlock> callbacks() { return callbacks; }
    public TrainingArguments args() { return args; }
    /** {@code backend}, or the default backend {@code trainer4j.run.backend}. */
    public PluginBlock backend() { return backend; }

    /** The {@code search} block as written (with overrides), for {@code trainer4j hpo}; other commands ignore it. */
    public Optional<ConfigValue> search() { return search; }

    /** The whole run, every default filled in, as one config with the run file's layout. */
    public Config resolved() { return resolved; }

    /** The fully resolved run as HOCON, without comments. */
    public String render() {
        return resolved.root().render(ConfigRenderOptions.defaults()
                .setOriginComments(false).setComments(false).setJson(false).setFormatted(true));
    }

    /** The fully resolved run as JSON. */
    public String renderJson() {
        return resolved.root().render(ConfigRenderOptions.defaults()
                .setOriginComments(false).setComments(false).setJson(true).setFormatted(true));
    }

    @Override
    public String toString() {
        return "RunConfig" + resolved.root().render(ConfigRenderOptions.concise());
    }
}
