package dev.trainer4j.runtime;

import com.typesafe.config.ConfigException;
import dev.trainer4j.api.ClusterSpec;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.WeightMapping;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.Tokenizer;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.cluster.ClusterSpecs;
import dev.trainer4j.config.PluginBlock;
import dev.trainer4j.config.RunConfig;
import dev.trainer4j.config.WeightInitSettings;
import dev.trainer4j.spi.Backend;
import dev.trainer4j.spi.BackendFactory;
import dev.trainer4j.spi.CallbackFactory;
import dev.trainer4j.spi.CollatorFactory;
import dev.trainer4j.spi.DatasetFactory;
import dev.trainer4j.spi.MetricFactory;
import dev.trainer4j.spi.ModelFactory;
import dev.trainer4j.spi.NamedFactory;
import dev.trainer4j.spi.PluginContext;
import dev.trainer4j.spi.StartupTimeline;
import dev.trainer4j.spi.TokenizerFactory;
import jakarta.inject.Inject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Turns a {@link RunConfig} into a {@link Trainer}: each block's factory makes its product (tokenizer first, so the
 * datasets and collator can use it through the {@link PluginContext}, then model, datasets, collator, metrics,
 * callbacks, backend), and the {@link TrainerProvider} makes the trainer. A factory that rejects its settings
 * ({@link IllegalArgumentException}) gives a {@link ConfigurationException} naming the block.
 *
 * <p>Tokenization: when the run names a {@code tokenizer} whose factory asks for training
 * ({@link TokenizerFactory#trainingField}), the tokenizer learns its vocabulary from that field of the TRAINING
 * dataset only (never the eval sets: no leakage) and is written to {@code output-dir/}{@value #TOKENIZER_FILE} when
 * training begins. Then every dataset whose examples hold the text field ({@link RunConfig#textField(Optional)}) is
 * wrapped by {@link TokenizedDatasets#tokenize}: {@code input_ids} added, labels kept, the raw text dropped unless
 * {@code remove-unused-columns = false}.
 */
public final class TrainerAssembler {
    /** The file a trained tokenizer is saved to in the output dir. */
    public static final String TOKENIZER_FILE = "tokenizer.json";
    private static final Logger LOG = LoggerFactory.getLogger(TrainerAssembler.class);

    private final Map<String, ModelFactory> models;
    private final Map<String, DatasetFactory> datasets;
    private final Map<String, CollatorFactory> collators;
    private final Map<String, TokenizerFactory> tokenizers;
    private final Map<String, MetricFactory> metrics;
    private final Map<String, CallbackFactory> callbacks;
    private final Map<String, BackendFactory> backends;
    private final TrainerProvider trainerProvider;

    @Inject
    public TrainerAssembler(Map<String, ModelFactory> models, Map<String, DatasetFactory> datasets,
            Map<String, CollatorFactory> collators, Map<String, TokenizerFactory> tokenizers,
            Map<String, MetricFactory> metrics, Map<String, CallbackFactory> callbacks,
            Map<String, BackendFactory> backends, TrainerProvider trainerProvider) {
        this.models = Map.copyOf(requireNonNull(models, "models is null"));
        this.datasets = Map.copyOf(requireNonNull(datasets, "datasets is null"));
        this.collators = Map.copyOf(requireNonNull(collators, "collators is null"));
        this.tokenizers = Map.copyOf(requireNonNull(tokenizers, "tokenizers is null"));
        this.metrics = Map.copyOf(requireNonNull(metrics, "metrics is null"));
        this.callbacks = Map.copyOf(requireNonNull(callbacks, "callbacks is null"));
        this.backends = Map.copyOf(requireNonNull(backends, "backends is null"));
        this.trainerProvider = requireNonNull(trainerProvider, "trainerProvider is null");
    }

    /** Makes every product of {@code run}; nothing is trained (a trainable tokenizer learns its vocabulary). */
    public AssembledRun assemble(RunConfig run) {
        requireNonNull(run, "run is null");
        PluginContext bare = new RunPluginContext(run.baseDirectory(), null);
        Optional<Dataset> trainDataset = Optional.empty();
        Optional<Tokenizer> tokenizer = Optional.empty();
        Optional<String> trainingField = Optional.empty();
        boolean trained = false;
        if (run.tokenizer().isPresent()) {
            PluginBlock block = run.tokenizer().get();
            TokenizerFactory factory = factory(tokenizers, block);
            trainingField = configured(block, () -> factory.trainingField(block.settings()));
            if (trainingField.isPresent()) {
                String field = trainingField.get();
                PluginBlock trainBlock = run.trainData().orElseThrow(() -> new ConfigurationException(block.path(),
                        block.path() + " (" + block.kind().singular() + " '" + block.type() + "'): learns its vocabulary from the"
                        + " field '" + field + "' of the training dataset, but the run has no data.train; add data.train or set"
                        + " the tokenizer's path to a saved tokenizer.json"));
                Dataset train = create(datasets, trainBlock, bare);
                trainDataset = Optional.of(train);
                List<String> texts = configured(trainBlock, () -> TokenizedDatasets.texts(train, field, trainBlock.path()));
                StartupTimeline.process().mark("train data");
                LOG.info("training tokenizer '{}' on field '{}' of {} ({} texts)", block.type(), field, trainBlock.path(), texts.size());
                Tokenizer learned = configured(block, () -> factory.train(block.settings(), bare, texts));
                tokenizer = Optional.of(requireNonNull(learned, () -> "tokenizer factory '" + block.type() + "' returned null"));
                StartupTimeline.process().mark("tokenizer training");
                trained = true;
            }
            else {
                tokenizer = Optional.of(create(tokenizers, block, bare));
            }
        }
        Optional<Tokenizer> runTokenizer = tokenizer;
        PluginContext context = new RunPluginContext(run.baseDirectory(), tokenizer.orElse(null));
        String textField = run.textField(trainingField);
        boolean keepText = !run.args().removeUnusedColumns();
        // ---- issue 17: seq2seq: data.target-field is encoded into labels with the run's tokenizer ----
        Optional<String> targetField = run.resolved().hasPath("data.target-field")
                ? Optional.of(run.resolved().getString("data.target-field")) : Optional.empty();

        TrainerSpec.Builder spec = TrainerSpec.builder()
                .args(run.args())
                .model(create(models, run.model(), context))
                .modelSettings(run.model().rendered());
        if (run.resolved().hasPath(ClusterSpec.CLUSTER_BLOCK)) {
            spec.cluster(ClusterSpecs.fromBlock(run.resolved().getConfig(ClusterSpec.CLUSTER_BLOCK)));
        }
        if (run.trainData().isPresent()) {
            PluginBlock block = run.trainData().get();
            Dataset train = trainDataset.orElseGet(() -> create(datasets, block, context));
            spec.trainDataset(withTargets(tokenized(train, tokenizer, textField, keepText, block), tokenizer, targetField,
                    block));
        }
        run.evalData().forEach((name, block) -> {
            Dataset dataset = withTargets(tokenized(create(datasets, block, context), runTokenizer, textField, keepText,
                    block), runTokenizer, targetField, block);
            if (name.equals(TrainerSpec.DEFAULT_EVAL_NAME)) {
                spec.evalDataset(dataset);
            }
            else {
                spec.evalDataset(name, dataset);
            }
        });
        StartupTimeline.process().mark("model+datasets");
        run.collator().ifPresent(block -> spec.collator(create(collators, block, context)));
        run.metrics().forEach(block -> spec.addMetric(create(metrics, block, context)));
        run.callbacks().forEach(block -> spec.addCallback(create(callbacks, block, context)));
        tokenizer.ifPresent(spec::tokenizer);
        if (trained) {
            spec.addCallback(new TokenizerSavingCallback(tokenizer.get()));
        }
        Backend backend = create(backends, run.backend(), context);
        AssembledRun assembled = new AssembledRun(run, spec.build(), backend, tokenizer);
        StartupTimeline.process().mark("collator+metrics+callbacks");
        return assembled;
    }

    private static Dataset tokenized(Dataset dataset, Optional<Tokenizer> tokenizer, String textField, boolean keepText,
            PluginBlock block) {
        if (tokenizer.isEmpty()) {
            return dataset;
        }
        return configured(block, () -> TokenizedDatasets.tokenize(dataset, tokenizer.get(), textField, keepText, block.path()));
    }

    /**
     * {@code dataset} with the text of {@code targetField} of every example encoded into {@code labels} (seq2seq
     * targets, {@code data.target-field}); unchanged without a target field or when the examples lack it (the input
     * of {@code trainer4j generate}).
     */
    private static Dataset withTargets(Dataset dataset, Optional<Tokenizer> tokenizer, Optional<String> targetField,
            PluginBlock block) {
        if (targetField.isEmpty() || !(dataset instanceof MapDataset map) || map.size() == 0
                || !map.get(0).has(targetField.get())) {
            return dataset;
        }
        if (tokenizer.isEmpty()) {
            throw new ConfigurationException("data.target-field", "data.target-field needs a tokenizer to encode '"
                    + targetField.get() + "' into labels");
        }
        List<dev.trainer4j.api.Example> examples = new java.util.ArrayList<>(map.size());
        for (int i = 0; i < map.size(); i++) {
            dev.trainer4j.api.Example example = map.get(i);
            Object target = example.get(targetField.get());
            if (!(target instanceof String text)) {
                throw new dev.trainer4j.api.DataException(block.path() + ": example " + i + " field '" + targetField.get()
                        + "' is " + (target == null ? "missing" : "a " + target.getClass().getSimpleName())
                        + "; expected the target text");
            }
            java.util.Map<String, Object> fields = new java.util.LinkedHashMap<>(example.fields());
            fields.remove(targetField.get());
            fields.put("labels", tokenizer.get().encode(text).ids());
            examples.add(dev.trainer4j.api.Example.of(fields));
        }
        return Dataset.of(examples);
    }

    /** Assembles {@code run} and makes its trainer with the {@link TrainerProvider}. */
    public Trainer trainer(RunConfig run) {
        return trainer(assemble(run));
    }

    /**
     * Makes the trainer of an assembled run with the {@link TrainerProvider}; with {@code init-from} its model starts
     * from those weights (a later resume or checkpoint load replaces them).
     */
    public Trainer trainer(AssembledRun assembled) {
        Trainer trainer = requireNonNull(trainerProvider.create(assembled.spec(), assembled.backend()),
                "the trainer provider returned null");
        Optional<WeightInitSettings> initFrom = assembled.run().initFrom();
        if (initFrom.isPresent()) {
            try {
                WeightMapping.Report report = trainer.initializeFrom(initFrom.get().path(), initFrom.get().mapping());
                if (!report.missing().isEmpty() || !report.mismatched().isEmpty() || !report.unexpected().isEmpty()) {
                    LOG.warn("init-from {}: {} variables loaded; not loaded: missing {}, mismatched {}; unused in the source: {}",
                            initFrom.get().path(), report.loaded().size(), report.missing(), report.mismatchedNames(),
                            report.unexpected());
                }
                initFrom.get().checkLoaded(report);
            }
            catch (RuntimeException e) {
                trainer.close();
                throw e;
            }
        }
        return trainer;
    }

    private static <F> F factory(Map<String, F> factories, PluginBlock block) {
        F factory = factories.get(block.type());
        if (factory == null) {
            throw new ConfigurationException(block.path(), block.path() + ": unknown " + block.kind().singular() + " '"
                    + block.type() + "'; available " + block.kind().configName() + ": " + new java.util.TreeSet<>(factories.keySet()));
        }
        return factory;
    }

    /** Runs {@code work}; a rejection of the block's settings becomes a {@link ConfigurationException} naming it. */
    private static <T> T configured(PluginBlock block, Supplier<T> work) {
        try {
            return work.get();
        }
        catch (ConfigurationException e) {
            throw new ConfigurationException(block.path() + "." + e.key(), block.path() + " (" + block.kind().singular()
                    + " '" + block.type() + "'): " + e.getMessage(), e);
        }
        catch (IllegalArgumentException | ConfigException e) {
            throw new ConfigurationException(block.path(), block.path() + " (" + block.kind().singular() + " '"
                    + block.type() + "'): " + e.getMessage(), e);
        }
    }

    private static <T> T create(Map<String, ? extends NamedFactory<? extends T>> factories, PluginBlock block,
            PluginContext context) {
        NamedFactory<? extends T> factory = factory(factories, block);
        T product = configured(block, () -> factory.create(block.settings(), context));
        if (product == null) {
            throw new IllegalStateException(block.kind().singular() + " factory '" + block.type() + "' ("
                    + factory.getClass().getName() + ") returned null for " + block.path());
        }
        return product;
    }
}
