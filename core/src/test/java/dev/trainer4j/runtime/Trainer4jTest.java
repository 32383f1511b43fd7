package dev.trainer4j.runtime;

import com.google.inject.Injector;
import com.google.inject.Key;
import com.google.inject.TypeLiteral;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.config.RunConfig;
import dev.trainer4j.runtime.RuntimeTestPlugin.TestBackend;
import dev.trainer4j.runtime.RuntimeTestPlugin.TestCallback;
import dev.trainer4j.runtime.RuntimeTestPlugin.TestCollator;
import dev.trainer4j.runtime.RuntimeTestPlugin.TestDataset;
import dev.trainer4j.runtime.RuntimeTestPlugin.TestMetric;
import dev.trainer4j.runtime.RuntimeTestPlugin.TestModel;
import dev.trainer4j.runtime.RuntimeTestPlugin.TrainerRequestedException;
import dev.trainer4j.spi.MetricFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class Trainer4jTest {
    private static final Path BASE = Path.of("/runs/sample");
    private static final String RUN = """
            model { type = test-model, hidden-size = 32 }
            tokenizer = test-tokenizer
            data {
              train { type = test-dataset, path = data/train.jsonl }
              eval { validation { type = test-dataset, size = 2 }, test-set = test-dataset }
            }
            collator = test-padding
            metrics = [test-accuracy, { type = test-f1, average = macro }]
            callbacks = [test-early-stopping]
            args { learning-rate = 1e-3, seed = 3 }
            """;

    private final Trainer4j runtime = RuntimeTestFixtures.runtime();

    private RunConfig run(String hocon) {
        return runtime.parse(ConfigFactory.parseString(hocon), BASE);
    }

    @Test
    void assemblesEveryProductFromItsFactoryWithMergedSettings() {
        AssembledRun assembled = runtime.assemble(run(RUN));
        TrainerSpec spec = assembled.spec();

        assertThat(spec.args().learningRate()).isEqualTo(1e-3);
        assertThat(spec.args().seed()).isEqualTo(3);
        TestModel model = (TestModel) spec.model().orElseThrow();
        assertThat(model.settings().getInt("hidden-size")).isEqualTo(32);
        assertThat(model.settings().getString("activation")).isEqualTo("relu");
        // the resolved block, defaults included, for records such as TensorBoard's model_config
        Config modelSettings = spec.modelSettings().orElseThrow();
        assertThat(modelSettings.getString("type")).isEqualTo("test-model");
        assertThat(modelSettings.getInt("hidden-size")).isEqualTo(32);
        assertThat(modelSettings.getString("activation")).isEqualTo("relu");
        assertThat(TrainerSpec.builder().args(spec.args()).model(model).build().modelSettings()).isEmpty();
        TestDataset train = (TestDataset) spec.trainDataset().orElseThrow();
        assertThat(train.path()).contains(Path.of("/runs/sample/data/train.jsonl"));
        assertThat(train.hadTokenizer()).isTrue();
        assertThat(spec.evalDatasets()).containsOnlyKeys("validation", "test-set");
        assertThat(((TestDataset) spec.evalDatasets().get("validation")).size()).isEqualTo(2);
        assertThat(((TestDataset) spec.evalDatasets().get("test-set")).size()).isEqualTo(4);
        assertThat(spec.collator()).isInstanceOf(TestCollator.class);
        assertThat(spec.metrics()).extracting(metric -> ((TestMetric) metric).name()).containsExactly("test-accuracy", "test-f1");
        assertThat(((TestMetric) spec.metrics().get(1)).settings().getString("average")).isEqualTo("macro");
        assertThat(spec.callbacks()).singleElement().isInstanceOf(TestCallback.class);
        assertThat(((TestCallback) spec.callbacks().get(0)).settings().getInt("early-stopping-patience")).isEqualTo(1);
        assertThat(assembled.backend()).isInstanceOf(TestBackend.class);
        assertThat(assembled.tokenizer().orElseThrow().vocabularySize()).isEqualTo(100);
    }

    @Test
    void withoutACollatorTheSpecKeepsTheDefaultCollator() {
        TrainerSpec spec = runtime.assemble(run("model = test-model")).spec();

        assertThat(spec.collator()).isSameAs(dev.trainer4j.api.DefaultCollator.INSTANCE);
        assertThat(spec.trainDataset()).isEmpty();
        assertThat(spec.evalDatasets()).isEmpty();
    }

    @Test
    void aSingleEvalBlockIsTheUnnamedEvalDataset() {
        TrainerSpec spec = runtime.assemble(run("model = test-model, data.eval = test-dataset")).spec();

        assertThat(spec.evalDatasets()).containsOnlyKeys(TrainerSpec.DEFAULT_EVAL_NAME);
    }

    @Test
    void aFactoryRejectingItsSettingsGivesAConfigurationErrorNamingTheBlock() {
        assertThatThrownBy(() -> runtime.assemble(run("model { type = test-model, hidden-size = 0 }")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("model (model 'test-model'): hidden-size: 0 is not allowed; expected an integer > 0");
    }

    @Test
    void byDefaultTheBackendMakesTheTrainer() {
        assertThatThrownBy(() -> runtime.trainer(run(RUN)))
                .isInstanceOfSatisfying(TrainerRequestedException.class, e -> {
                    assertThat(e.backend()).isInstanceOf(TestBackend.class);
                    assertThat(e.spec().args().learningRate()).isEqualTo(1e-3);
                    assertThat(e.spec().metrics()).hasSize(2);
                });
    }

    @Test
    void anEmbeddingAppCanReplaceTheTrainerProvider() {
        IllegalStateException probe = new IllegalStateException("custom provider called");
        Trainer4j custom = runtime.withTrainerProvider((spec, backend) -> {
            assertThat(backend).isInstanceOf(TestBackend.class);
            assertThat(spec.args().seed()).isEqualTo(3);
            throw probe;
        });

        assertThatThrownBy(() -> custom.trainer(run(RUN))).isSameAs(probe);
    }

    @Test
    void oneInjectorPerRunBindsTheFactoriesByNameAndTheRunsConfig() {
        RunConfig run = run(RUN);
        Injector injector = runtime.injector(run);

        Map<String, MetricFactory> metrics = injector.getInstance(Key.get(new TypeLiteral<Map<String, MetricFactory>>() {}));
        assertThat(metrics).containsOnlyKeys("test-accuracy", "test-f1");
        assertThat(injector.getInstance(Config.class)).isSameAs(run.resolved());
        assertThat(injector.getInstance(RunConfig.class)).isSameAs(run);
        assertThat(injector.getInstance(dev.trainer4j.api.TrainingArguments.class)).isSameAs(run.args());
        assertThat(injector.getInstance(PluginRegistry.class)).isSameAs(runtime.registry());
        assertThat(injector.getInstance(TrainerAssembler.class)).isSameAs(injector.getInstance(TrainerAssembler.class));
        assertThat(runtime.injector(run)).isNotSameAs(injector);
    }

    @Test
    void backendLookupForRunsBuiltInCode() {
        TestBackend backend = (TestBackend) runtime.newBackend("test-backend");
        assertThat(backend.settings().getInt("intra-op-threads")).isEqualTo(0);

        TestBackend tuned = (TestBackend) runtime.newBackend("test-backend", ConfigFactory.parseString("intra-op-threads = 2"));
        assertThat(tuned.settings().getInt("intra-op-threads")).isEqualTo(2);

        assertThatThrownBy(() -> runtime.newBackend("test-bakend"))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("backend: unknown backend 'test-bakend'; did you mean 'test-backend'?; available backends: [test-backend]");
    }

    @Test
    void staticEntryPointsUseTheClassPathPlugins() {
        assertThat(Trainer4j.backend("test-backend")).isInstanceOf(TestBackend.class);
        assertThat(Trainer4j.create().registry().names(dev.trainer4j.config.PluginKind.MODELS)).contains("test-model");
        // the class path's reference.conf has no test-model settings, so its keys are unknown there
        assertThatThrownBy(() -> Trainer4j.fromConfig(ConfigFactory.parseString("model { type = test-model, hidden-size = 3 }")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("model.hidden-size: unknown setting")
                .hasMessageContaining("model 'test-model' takes no settings");
    }

    @Test
    void runFilesResolveRelativePathsAgainstTheirFolder(@TempDir Path directory) throws IOException {
        Path runFile = directory.resolve("run.conf");

        Files.writeString(directory.resolve("run.conf"), "model = test-model\ndata.train { type = test-dataset, path = a.jsonl }\n");

        RunConfig run = runtime.load(runFile, ConfigFactory.empty());
        TestDataset train = (TestDataset) runtime.assemble(run).spec().trainDataset().orElseThrow();

        assertThat(run.baseDirectory()).isEqualTo(directory.toAbsolutePath().normalize());
        assertThat(train.path()).contains(directory.toAbsolutePath().normalize().resolve("a.jsonl"));
        // the static entry point reads the class path's reference.conf, which has no test-model defaults
        Path bare = directory.resolve("bare.conf");
        Files.writeString(bare, "model = test-model\nbackend = test-backend\n");
        assertThatThrownBy(() -> Trainer4j.fromFile(bare))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("model (model 'test-model'): ")
                .hasMessageContaining("hidden-size");
    }
}
