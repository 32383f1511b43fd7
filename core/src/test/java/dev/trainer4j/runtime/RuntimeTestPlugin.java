package dev.trainer4j.runtime;

import com.typesafe.config.Config;
import dev.trainer4j.api.Batch;
import dev.trainer4j.api.Callback;
import dev.trainer4j.api.Collator;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.Encoding;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.Metric;
import dev.trainer4j.api.Model;
import dev.trainer4j.api.Tokenizer;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.Backend;
import dev.trainer4j.spi.BackendCapability;
import dev.trainer4j.spi.BackendFactory;
import dev.trainer4j.spi.CallbackFactory;
import dev.trainer4j.spi.CollatorFactory;
import dev.trainer4j.spi.DatasetFactory;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.MetricFactory;
import dev.trainer4j.spi.ModelFactory;
import dev.trainer4j.spi.Plugin;
import dev.trainer4j.spi.PluginContext;
import dev.trainer4j.spi.TokenizerFactory;
import dev.trainer4j.spi.TrainingEngine;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A plugin of hand-written fakes, registered in the test {@code META-INF/services/dev.trainer4j.spi.Plugin}. Its
 * defaults are in {@code runtime-test-plugins.conf}. Each product keeps the settings it was made from.
 */
public final class RuntimeTestPlugin implements Plugin {

    @Override
    public List<BackendFactory> backendFactories() {
        return List.of(new TestBackendFactory());
    }

    @Override
    public List<ModelFactory> modelFactories() {
        return List.of(new TestModelFactory());
    }

    @Override
    public List<DatasetFactory> datasetFactories() {
        return List.of(new TestDatasetFactory());
    }

    @Override
    public List<CollatorFactory> collatorFactories() {
        return List.of(new TestCollatorFactory());
    }

    @Override
    public List<TokenizerFactory> tokenizerFactories() {
        return List.of(new TestTokenizerFactory());
    }

    @Override
    public List<MetricFactory> metricFactories() {
        return List.of(new TestMetricFactory("test-accuracy"), new TestMetricFactory("test-f1"));
    }

    @Override
    public List<CallbackFactory> callbackFactories() {
        return List.of(new TestCallbackFactory());
    }

    /** Thrown by {@link TestBackend#createTrainer}: the Trainer of this tree cannot be built, so the probe stops there. */
    public static final class TrainerRequestedException extends RuntimeException {
        private final transient TrainerSpec spec;
        private final transient Backend backend;

        TrainerRequestedException(TrainerSpec spec, Backend backend) {
            super("trainer requested from " + backend.name());
            this.spec = spec;
            this.backend = backend;
        }

        public TrainerSpec spec() {
            return spec;
        }

        public Backend backend() {
            return backend;
        }
    }

    public record TestBackend(Config settings) implements Backend {
        @Override
        public String name() {
            return "test-backend";
        }

        @Override
        public Set<BackendCapability> capabilities() {
            return Set.of(BackendCapability.TRAINING);
        }

        @Override
        public TrainingEngine compile(Model model, TrainingArguments args, EngineOptions options) {
            throw new UnsupportedOperationException("the test backend compiles nothing");
        }

        @Override
        public Trainer createTrainer(TrainerSpec spec) {
            throw new TrainerRequestedException(spec, this);
        }
    }

    static final class TestBackendFactory implements BackendFactory {
        @Override
        public String name() {
            return "test-backend";
        }

        @Override
        public String description() {
            return "a backend that compiles nothing";
        }

        @Override
        public Backend create(Config settings, PluginContext context) {
            return new TestBackend(settings);
        }
    }

    public record TestModel(Config settings) implements Model {
        @Override
        public String name() {
            return "test-model";
        }

        @Override
        public List<InputSpec> inputs() {
            return List.of();
        }
    }

    static final class TestModelFactory implements ModelFactory {
        @Override
        public String name() {
            return "test-model";
        }

        @Override
        public Model create(Config settings, PluginContext context) {
            int hiddenSize = settings.getInt("hidden-size");
            if (hiddenSize <= 0) {
                throw new IllegalArgumentException("hidden-size: " + hiddenSize + " is not allowed; expected an integer > 0");
            }
            return new TestModel(settings);
        }
    }

    /** A dataset of {@code size} examples that remembers its settings, resolved path and whether a tokenizer was given. */
    public record TestDataset(Config settings, Optional<Path> path, boolean hadTokenizer) implements MapDataset {
        @Override
        public int size() {
            return settings.getInt("size");
        }

        @Override
        public Example get(int index) {
            return Example.of(Map.of("x", index));
        }
    }

    static final class TestDatasetFactory implements DatasetFactory {
        @Override
        public String name() {
            return "test-dataset";
        }

        @Override
        public Dataset create(Config settings, PluginContext context) {
            Optional<Path> path = settings.getIsNull("path") ? Optional.empty() : Optional.of(context.resolve(settings.getString("path")));
            return new TestDataset(settings, path, context.tokenizer().isPresent());
        }
    }

    public record TestCollator(Config settings) implements Collator {
        @Override
        public Batch collate(List<Example> examples, dev.trainer4j.api.CollateContext context) {
            throw new UnsupportedOperationException("the test collator collates nothing");
        }
    }

    static final class TestCollatorFactory implements CollatorFactory {
        @Override
        public String name() {
            return "test-padding";
        }

        @Override
        public Collator create(Config settings, PluginContext context) {
            return new TestCollator(settings);
        }
    }

    public record TestTokenizer(Config settings) implements Tokenizer {
        @Override
        public Encoding encode(String text) {
            throw new UnsupportedOperationException("the test tokenizer encodes nothing");
        }

        @Override
        public String decode(int[] ids, boolean skipSpecialTokens) {
            return "";
        }

        @Override
        public int vocabularySize() {
            return settings.getInt("vocab-size");
        }

        @Override
        public int tokenToId(String token) {
            return -1;
        }

        @Override
        public int padTokenId() {
            return 0;
        }

        @Override
        public int maxLength() {
            return 16;
        }

        @Override
        public void save(Path tokenizerJson) {
            throw new UnsupportedOperationException("the test tokenizer saves nothing");
        }
    }

    static final class TestTokenizerFactory implements TokenizerFactory {
        @Override
        public String name() {
            return "test-tokenizer";
        }

        @Override
        public Tokenizer create(Config settings, PluginContext context) {
            return new TestTokenizer(settings);
        }
    }

    public record TestMetric(String name, Config settings) implements Metric {
        @Override
        public void reset() {
        }

        @Override
        public void update(EvalPrediction batch) {
        }

        @Override
        public Map<String, Double> compute() {
            return Map.of();
        }
    }

    record TestMetricFactory(String name) implements MetricFactory {
        @Override
        public Metric create(Config settings, PluginContext context) {
            return new TestMetric(name, settings);
        }
    }

    public record TestCallback(Config settings) implements Callback {
    }

    static final class TestCallbackFactory implements CallbackFactory {
        @Override
        public String name() {
            return "test-early-stopping";
        }

        @Override
        public Callback create(Config settings, PluginContext context) {
            return new TestCallback(settings);
        }
    }
}
