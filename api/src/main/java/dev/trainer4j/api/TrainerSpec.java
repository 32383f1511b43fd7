package dev.trainer4j.api;

import com.typesafe.config.Config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import static java.util.Collections.unmodifiableMap;
import static java.util.Objects.requireNonNull;

/**
 * Everything a run is made of besides the backend: arguments, the model (or a factory making a fresh one per
 * {@code train()}, HF's {@code model_init}), datasets, collator, metrics and callbacks. Immutable.
 */
public final class TrainerSpec {
    /** The key of the unnamed eval dataset in {@link #evalDatasets()} (its metrics are prefixed {@code eval_}). */
    public static final String DEFAULT_EVAL_NAME = "";

    private final TrainingArguments args;
    private final Model model;
    private final Supplier<? extends Model> modelFactory;
    private final Dataset trainDataset;
    private final Map<String, Dataset> evalDatasets;
    private final Collator collator;
    private final Collator evalCollator;
    private final List<Metric> metrics;
    private final ComputeMetrics computeMetrics;
    private final List<Callback> callbacks;
    private final Tokenizer tokenizer;
    private final Config modelSettings;
    // ---- issue 20: HF parity ----
    private final ComputeLossFunction computeLossFunc;
    private final Optimizer optimizer;
    private final LearningRateSchedule lrScheduler;
    private final ClusterSpec cluster;

    private TrainerSpec(Builder builder) {
        this.args = requireNonNull(builder.args, "args is null");
        if ((builder.model == null) == (builder.modelFactory == null)) {
            throw new IllegalArgumentException("give either a model or a model factory (model_init), not "
                    + (builder.model == null ? "neither" : "both"));
        }
        this.model = builder.model;
        this.modelFactory = builder.modelFactory;
        this.trainDataset = builder.trainDataset;
        this.evalDatasets = unmodifiableMap(new LinkedHashMap<>(builder.evalDatasets));
        this.collator = requireNonNull(builder.collator, "collator is null");
        this.evalCollator = builder.evalCollator == null ? builder.collator : builder.evalCollator;
        this.metrics = List.copyOf(builder.metrics);
        this.computeMetrics = builder.computeMetrics;
        this.callbacks = List.copyOf(builder.callbacks);
        this.tokenizer = builder.tokenizer;
        this.modelSettings = builder.modelSettings;
        this.computeLossFunc = builder.computeLossFunc;
        this.optimizer = builder.optimizer;
        this.lrScheduler = builder.lrScheduler;
        this.cluster = builder.cluster;
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder builder = new Builder();
        builder.args = args;
        builder.model = model;
        builder.modelFactory = modelFactory;
        builder.trainDataset = trainDataset;
        builder.evalDatasets.putAll(evalDatasets);
        builder.collator = collator;
        builder.evalCollator = evalCollator;
        builder.metrics.addAll(metrics);
        builder.computeMetrics = computeMetrics;
        builder.callbacks.addAll(callbacks);
        builder.tokenizer = tokenizer;
        builder.modelSettings = modelSettings;
        builder.computeLossFunc = computeLossFunc;
        builder.optimizer = optimizer;
        builder.lrScheduler = lrScheduler;
        builder.cluster = cluster;
        return builder;
    }

    public TrainingArguments args() { return args; }
    public Optional<Model> model() { return Optional.ofNullable(model); }
    public Optional<Supplier<? extends Model>> modelFactory() { return Optional.ofNullable(modelFactory); }
    public Optional<Dataset> trainDataset() { return Optional.ofNullable(trainDataset); }
    /** Eval datasets by name; {@link #DEFAULT_EVAL_NAME} for the unnamed one. */
    public Map<String, Dataset> evalDatasets() { return evalDatasets; }
    public Collator collator() { return collator; }
    public Collator evalCollator() { return evalCollator; }
    public List<Metric> metrics() { return metrics; }
    public Optional<ComputeMetrics> computeMetrics() { return Optional.ofNullable(computeMetrics); }
    public List<Callback> callbacks() { return callbacks; }
    /** HF's {@code processing_class}: the tokenizer the data was encoded with; {@link Trainer#saveModel} saves it. */
    public Optional<Tokenizer> tokenizer() { return Optional.ofNullable(tokenizer); }
    /**
     * The run file's model block as resolved (its {@code type} and every setting with the plugin's defaults merged
     * in), for records of the run such as TensorBoard's {@code model_config} text; empty for a spec built in code.
     */
    public Optional<Config> modelSettings() { return Optional.ofNullable(modelSettings); }

    /** HF's {@code compute_loss_func}: replaces the model's loss (see {@link ComputeLossFunction}). */
    public Optional<ComputeLossFunction> computeLossFunc() { return Optional.ofNullable(computeLossFunc); }
    /** HF's {@code optimizers[0]}: the optimizer of every run instead of the one {@code optim} names. */
    public Optional<Optimizer> optimizer() { return Optional.ofNullable(optimizer); }
    /** HF's {@code optimizers[1]}: the learning-rate schedule instead of the one {@code lr-scheduler-type} names. */
    public Optional<LearningRateSchedule> lrScheduler() { return Optional.ofNullable(lrScheduler); }

    /**
     * The workers of a multi-worker run when this process is their chief (it trains; the others serve their devices);
     * empty for a single-process run.
     */
    public Optional<ClusterSpec> cluster() { return Optional.ofNullable(cluster); }

    /** Builds a {@link TrainerSpec}. */
    public static final class Builder {
        private TrainingArguments args;
        private Model model;
        private Supplier<? extends Model> modelFactory;
        private Dataset trainDataset;
        private final Map<String, Dataset> evalDatasets = new LinkedHashMap<>();
        private Collator collator = DefaultCollator.INSTANCE;
        private Collator evalCollator;
        private final List<Metric> metrics = new ArrayList<>();
        private ComputeMetrics computeMetrics;
        private final List<Callback> callbacks = new ArrayList<>();
        private Tokenizer tokenizer;
        private Config modelSettings;
        private ComputeLossFunction computeLossFunc;
        private Optimizer optimizer;
        private LearningRateSchedule lrScheduler;
        private ClusterSpec cluster;

        private Builder() {
        }

        public Builder args(TrainingArguments args) { this.args = requireNonNull(args, "args is null"); return this; }
        public Builder model(Model model) { this.model = requireNonNull(model, "model is null"); return this; }
        /** HF's {@code model_init}: a fresh model for each {@code train()}. */
        public Builder modelFactory(Supplier<? extends Model> factory) { this.modelFactory = requireNonNull(factory, "factory is null"); return this; }
        public Builder trainDataset(Dataset dataset) { this.trainDataset = requireNonNull(dataset, "dataset is null"); return this; }
        /** The unnamed eval dataset: metrics prefixed {@code eval_}. */
        public Builder evalDataset(Dataset dataset) { this.evalDatasets.put(DEFAULT_EVAL_NAME, requireNonNull(dataset, "dataset is null")); return this; }
        /** A named eval dataset: metrics prefixed {@code eval_<name>_}. */
        public Builder evalDataset(String name, Dataset dataset) {
            requireNonNull(name, "name is null");
            if (name.isBlank()) {
                throw new IllegalArgumentException("an eval dataset name must not be blank");
            }
            this.evalDatasets.put(name, requireNonNull(dataset, "dataset is null"));
            return this;
        }
        public Builder collator(Collator collator) { this.collator = requireNonNull(collator, "collator is null"); return this; }
        /** A different collator for evaluation and prediction (defaults to the training one). */
        public Builder evalCollator(Collator collator) { this.evalCollator = requireNonNull(collator, "collator is null"); return this; }
        public Builder addMetric(Metric metric) { this.metrics.add(requireNonNull(metric, "metric is null")); return this; }
        public Builder metrics(List<? extends Metric> metrics) { this.metrics.clear(); metrics.forEach(this::addMetric); return this; }
        public Builder computeMetrics(ComputeMetrics function) { this.computeMetrics = requireNonNull(function, "function is null"); return this; }
        public Builder addCallback(Callback callback) { this.callbacks.add(requireNonNull(callback, "callback is null")); return this; }
        public Builder callbacks(List<? extends Callback> callbacks) { this.callbacks.clear(); callbacks.forEach(this::addCallback); return this; }

        /** HF's {@code processing_class}: saved as {@code tokenizer.json} by {@link Trainer#saveModel}; nothing else reads it. */
        public Builder tokenizer(Tokenizer tokenizer) { this.tokenizer = requireNonNull(tokenizer, "tokenizer is null"); return this; }

        /** The resolved model block of the run file the model was made from (see {@link TrainerSpec#modelSettings()}). */
        public Builder modelSettings(Config settings) { this.modelSettings = requireNonNull(settings, "settings is null"); return this; }

        /** HF's {@code compute_loss_func}: replaces the model's loss; the backend decides the function's kind. */
        public Builder computeLossFunc(ComputeLossFunction function) {
            this.computeLossFunc = requireNonNull(function, "function is null");
            return this;
        }

        /**
         * HF's {@code optimizers=(optimizer, scheduler)}: a ready optimizer (the backend's kind) and a learning-rate
         * schedule; either may be null to keep the one the arguments name.
         */
        public Builder optimizers(Optimizer optimizer, LearningRateSchedule lrScheduler) {
            this.optimizer = optimizer;
            this.lrScheduler = lrScheduler;
            return this;
        }

        /** Trains as the chief of these workers (see {@link TrainerSpec#cluster()}). */
        public Builder cluster(ClusterSpec cluster) { this.cluster = requireNonNull(cluster, "cluster is null"); return this; }

        public TrainerSpec build() {
            return new TrainerSpec(this);
        }
    }
}
