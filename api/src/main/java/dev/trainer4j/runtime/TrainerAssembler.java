package dev.trainer4j.runtime;

import com.typesafe.config.ConfigException;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.Tokenizer;
import dev.trainer4j.config.ConfigurationException;
import dev.trainer4j.config.PluginBlock;
import dev.trainer4j.config.RunConfig;
import dev.trainer4j.spi.Backend;
import dev.trainer4j.spi.BackendFactory;
import dev.trainer4j.spi.CallbackFactory;
import dev.trainer4j.spi.CollatorFactory;
import dev.trainer4j.spi.DatasetFactory;
import dev.trainer4j.spi.MetricFactory;
import dev.trainer4j.spi.ModelFactory;
import dev.trainer4j.spi.NamedFactory;
import dev.trainer4j.spi.PluginContext;
import dev.trainer4j.spi.TokenizerFactory;
import jakarta.inject.Inject;

import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Turns a {@link RunConfig} into a {@link Trainer}: each block's factory makes its product (tokenizer first, so the
 * datasets and collator can use it through the {@link PluginContext}, then model, datasets, collator, metrics,
 * callbacks, backend), and the {@link TrainerProvider} makes the trainer. A factory that rejects its settings
 * ({@link IllegalArgumentException}) gives a {@link ConfigurationException} naming the block.
 */
public final class TrainerAssembler {
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

    /** Makes every product of {@code run}; nothing is trained. */
    public AssembledRun assemble(RunConfig run) {
        requireNonNull(run, "run is null");
        PluginContext bare = new RunPluginContext(run.baseDirectory(), null);
        Optional<Tokenizer> tokenizer = run.tokenizer().map(block -> create(tokenizers, block, bare));
        PluginContext context = new RunPluginContext(run.baseDirectory(), tokenizer.orElse(null));

        TrainerSpec.Builder spec = TrainerSpec.builder()
                .args(run.args())
                .model(create(models, run.model(), context));
        run.trainData().ifPresent(block -> spec.trainDataset(create(datasets, block, context)));
        run.evalData().forEach((name, block) -> {
            if (name.equals(TrainerSpec.DEFAULT_EVAL_NAME)) {
                spec.evalDataset(create(datasets, block, context));
            }
            else {
                spec.evalDataset(name, create(datasets, block, context));
            }
        });
        run.collator().ifPresent(block -> spec.collator(create(collators, block, context)));
        run.metrics().forEach(block -> spec.addMetric(create(metrics, block, context)));
        run.callbacks().forEach(block -> spec.addCallback(create(callbacks, block, context)));
        Backend backend = create(backends, run.backend(), context);
        return new AssembledRun(run, spec.build(), backend, tokenizer);
    }

    /** Assembles {@code run} and makes its trainer with the {@link TrainerProvider}. */
    public Trainer trainer(RunConfig run) {
        return trainer(assemble(run));
    }

    /** Makes the trainer of an assembled run with the {@link TrainerProvider}. */
    public Trainer trainer(AssembledRun assembled) {
        return requireNonNull(trainerProvider.create(assembled.spec(), assembled.backend()),
                "the trainer provider returned null");
    }

    private static <T> T create(Map<String, ? extends NamedFactory<? extends T>> factories, PluginBlock block,
            PluginContext context) {
        NamedFactory<? extends T> factory = factories.get(block.type());
        if (factory == null) {
            throw new ConfigurationException(block.path(), block.path() + ": unknown " + block.kind().singular() + " '"
                    + block.type() + "'; available " + block.kind().configName() + ": " + new java.util.TreeSet<>(factories.keySet()));
        }
        T product;
        try {
            product = factory.create(block.settings(), context);
        }
        catch (ConfigurationException e) {
            throw e;
        }
        catch (IllegalArgumentException | ConfigException e) {
            throw new ConfigurationException(block.path(), block.path() + " (" + block.kind().singular() + " '"
                    + block.type() + "'): " + e.getMessage(), e);
        }
        if (product == null) {
            throw new IllegalStateException(block.kind().singular() + " factory '" + block.type() + "' ("
                    + factory.getClass().getName() + ") returned null for " + block.path());
        }
        return product;
    }
}
