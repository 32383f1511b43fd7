package dev.trainer4j.config;

import dev.trainer4j.api.ConfigurationException;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.SamplingStrategy;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.runtime.RuntimeTestFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class RunConfigParserTest {
    private static final Path BASE = Path.of("/runs/sample");
    private final RunConfigParser parser = new RunConfigParser(RuntimeTestFixtures.reference(), RuntimeTestFixtures.registry());

    private RunConfig parse(String hocon) {
        return parser.parse(ConfigFactory.parseString(hocon), BASE);
    }

    private ConfigurationException error(String hocon) {
        try {
            parse(hocon);
        }
        catch (ConfigurationException e) {
            return e;
        }
        throw new AssertionError("no ConfigurationException for " + hocon);
    }

    @Test
    void parsesAFullRunWithDefaultsMergedIntoEveryBlock() {
        RunConfig run = parse("""
                model { type = test-model, hidden-size = 32, layers { dropout = 0.5 } }
                tokenizer { type = test-tokenizer }
                data {
                  train { type = test-dataset, path = train.jsonl }
                  eval { type = test-dataset, path = validation.jsonl, size = 2 }
                }
                collator { type = test-padding }
                metrics = [test-accuracy, { type = test-f1, average = macro }]
                callbacks = [{ type = test-early-stopping, early-stopping-patience = 3 }]
                args { output-dir = out/run, learning-rate = 1e-3, num-train-epochs = 2 }
                """);

        assertThat(run.model().type()).isEqualTo("test-model");
        assertThat(run.model().settings().getInt("hidden-size")).isEqualTo(32);
        assertThat(run.model().settings().getString("activation")).isEqualTo("relu");
        assertThat(run.model().settings().getInt("layers.count")).isEqualTo(2);
        assertThat(run.model().settings().getDouble("layers.dropout")).isEqualTo(0.5);
        assertThat(run.model().settings().hasPath("type")).isFalse();
        assertThat(run.tokenizer().orElseThrow().settings().getInt("vocab-size")).isEqualTo(100);
        assertThat(run.trainData().orElseThrow().settings().getString("path")).isEqualTo("train.jsonl");
        assertThat(run.trainData().orElseThrow().settings().getInt("size")).isEqualTo(4);
        assertThat(run.evalData()).containsOnlyKeys(TrainerSpec.DEFAULT_EVAL_NAME);
        assertThat(run.evalData().get(TrainerSpec.DEFAULT_EVAL_NAME).settings().getInt("size")).isEqualTo(2);
        assertThat(run.collator().orElseThrow().type()).isEqualTo("test-padding");
        assertThat(run.metrics()).extracting(PluginBlock::type).containsExactly("test-accuracy", "test-f1");
        assertThat(run.metrics()).extracting(PluginBlock::path).containsExactly("metrics[0]", "metrics[1]");
        assertThat(run.metrics().get(1).settings().getString("average")).isEqualTo("macro");
        assertThat(run.metrics().get(1).settings().getInt("pos-label")).isEqualTo(1);
        assertThat(run.callbacks().get(0).settings().getInt("early-stopping-patience")).isEqualTo(3);
        assertThat(run.callbacks().get(0).settings().getDouble("early-stopping-threshold")).isEqualTo(0.0);
        assertThat(run.args().outputDir()).isEqualTo("out/run");
        assertThat(run.args().learningRate()).isEqualTo(1e-3);
        assertThat(run.args().numTrainEpochs()).isEqualTo(2.0);
        assertThat(run.args().perDeviceTrainBatchSize()).isEqualTo(8);
        assertThat(run.backend().type()).isEqualTo("test-backend");
        assertThat(run.backend().settings().getInt("intra-op-threads")).isEqualTo(0);
        assertThat(run.baseDirectory()).isEqualTo(BASE);
    }

    @Test
    void optionalPartsAreEmptyAndTheDefaultBackendComesFromReferenceConf() {
        RunConfig run = parse("model = test-model");

        assertThat(run.tokenizer()).isEmpty();
        assertThat(run.trainData()).isEmpty();
        assertThat(run.evalData()).isEmpty();
        assertThat(run.collator()).isEmpty();
        assertThat(run.metrics()).isEmpty();
        assertThat(run.callbacks()).isEmpty();
        assertThat(run.backend().type()).isEqualTo("test-backend");
        assertThat(run.args().learningRate()).isEqualTo(5e-5);
    }

    @Test
    void namedEvalDatasetsKeepTheirFileOrder() {
        RunConfig run = parse("""
                model = test-model
                data.eval {
                  validation { type = test-dataset, size = 3 }
                  test-set { type = test-dataset, size = 5 }
                  another = test-dataset
                }
                """);

        assertThat(run.evalData()).containsOnlyKeys("validation", "test-set", "another");
        assertThat(List.copyOf(run.evalData().keySet())).containsExactly("validation", "test-set", "another");
        assertThat(run.evalData().get("test-set").settings().getInt("size")).isEqualTo(5);
        assertThat(run.evalData().get("test-set").path()).isEqualTo("data.eval.test-set");
        assertThat(run.evalData().get("another").settings().getInt("size")).isEqualTo(4);
    }

    @Test
    void anEmptyEvalBlockIsAnError() {
        assertThat(error("model = test-model, data.eval {}").getMessage())
                .startsWith("data.eval: an empty block is not allowed");
    }

    @Test
    void unknownArgumentNamesTheKeyTheValueAndTheNearestValidKey() {
        ConfigurationException e = error("model = test-model, args { lerning-rate = 1e-3 }");

        assertThat(e.key()).isEqualTo("args.lerning-rate");
        assertThat(e.getMessage())
                .startsWith("args.lerning-rate: unknown setting (given 0.001)")
                .contains("did you mean 'learning-rate'?");
    }

    @Test
    void unknownSnakeCaseArgumentSuggestsTheKebabCaseKey() {
        assertThat(error("model = test-model, args { per_device_train_batchsize = 4 }").getMessage())
                .startsWith("args.per_device_train_batchsize: unknown setting")
                .contains("'per-device-train-batch-size'");
    }

    @Test
    void unknownKeyInAPluginBlockNamesThePluginsSettings() {
        ConfigurationException e = error("model = test-model, metrics = [test-accuracy, { type = test-f1, averge = macro }]");

        assertThat(e.key()).isEqualTo("metrics[1].averge");
        assertThat(e.getMessage())
                .startsWith("metrics[1].averge: unknown setting (given \"macro\")")
                .contains("did you mean 'average'?")
                .contains("metric 'test-f1' has [average, pos-label]")
                .contains("trainer4j.plugins.metrics.test-f1");
    }

    @Test
    void aKeyInAPluginWithoutSettingsIsUnknown() {
        assertThat(error("model = test-model, metrics = [{ type = test-accuracy, average = macro }]").getMessage())
                .startsWith("metrics[0].average: unknown setting")
                .contains("metric 'test-accuracy' takes no settings");
    }

    @Test
    void unknownNestedKeyInAPluginBlockNamesTheFullPath() {
        assertThat(error("model { type = test-model, layers { cont = 3 } }").getMessage())
                .startsWith("model.layers.cont: unknown setting (given 3)")
                .contains("did you mean 'count'?");
    }

    @Test
    void anEmptyDefaultBlockAcceptsAnyKeys() {
        RunConfig run = parse("model { type = test-model, extra { anything = 1 } }");

        assertThat(run.model().settings().getInt("extra.anything")).isEqualTo(1);
    }

    @Test
    void wrongTypeInAPluginBlockNamesTheExpectedTypeAndDefault() {
        ConfigurationException e = error("model { type = test-model, hidden-size = big }");

        assertThat(e.key()).isEqualTo("model.hidden-size");
        assertThat(e.getMessage()).isEqualTo("model.hidden-size: \"big\" is not allowed; expected a number (the default is 16)");
    }

    @Test
    void numbersWrittenAsStringsAreAcceptedWhereANumberIsExpected() {
        assertThat(parse("model { type = test-model, hidden-size = \"24\" }").model().settings().getInt("hidden-size"))
                .isEqualTo(24);
    }

    @Test
    void wrongTypeInArgsNamesTheFullPath() {
        ConfigurationException e = error("model = test-model, args { num-train-epochs = many }");

        assertThat(e.key()).isEqualTo("args.num-train-epochs");
        assertThat(e.getMessage()).isEqualTo("args.num-train-epochs: 'many' is not allowed; expected a number");
    }

    @Test
    void outOfRangeArgumentNamesTheFullPathTheValueAndTheRange() {
        ConfigurationException e = error("model = test-model, args { learning-rate = -1 }");

        assertThat(e.key()).isEqualTo("args.learning-rate");
        assertThat(e.getMessage()).isEqualTo("args.learning-rate: -1.0 is not allowed; expected a number >= 0");
    }

    @Test
    void crossKeyArgumentRulesArePrefixedWithTheirPath() {
        assertThat(error("model = test-model, args { bf16 = true, fp16 = true }").getMessage())
                .isEqualTo("args.bf16: bf16 and fp16 are both true; choose one");
    }

    @Test
    void errorsInARunFileNameTheFileAndLine(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("run.conf");
        Files.writeString(file, "model = test-model\nargs {\n  learning-rate = -2\n}\n");

        assertThatThrownBy(() -> parser.load(file, ConfigFactory.empty()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("args.learning-rate at run.conf:3: -2.0 is not allowed; expected a number >= 0");
    }

    @Test
    void unknownPluginNameSuggestsTheNearestAndListsTheAvailable() {
        ConfigurationException e = error("model = test-model, metrics = [test-acuracy]");

        assertThat(e.key()).isEqualTo("metrics[0]");
        assertThat(e.getMessage()).isEqualTo("metrics[0]: unknown metric 'test-acuracy'; did you mean 'test-accuracy'?; "
                + "available metrics: [test-accuracy, test-f1]");
    }

    @Test
    void unknownTypeInABlockNamesTheTypeKey() {
        assertThat(error("model { type = test-modle }").getMessage())
                .startsWith("model.type: unknown model 'test-modle'")
                .contains("did you mean 'test-model'?")
                .endsWith("available models: [test-model]");
    }

    @Test
    void unknownBackendIsAnError() {
        assertThat(error("model = test-model, backend { type = tensorflow }").getMessage())
                .startsWith("backend.type: unknown backend 'tensorflow'")
                .endsWith("available backends: [test-backend]");
    }

    @Test
    void missingModelAndMissingTypeAreErrors() {
        assertThat(error("args { seed = 1 }").getMessage())
                .isEqualTo("model: missing; expected a block such as model { type = <name> }; available models: [test-model]");
        assertThat(error("model { hidden-size = 3 }").getMessage())
                .startsWith("model.type: missing; expected the model name");
    }

    @Test
    void unknownRootKeyIsAnErrorAndAnArgumentAtTheRootPointsToArgs() {
        assertThat(error("model = test-model, metric = [test-f1]").getMessage())
                .startsWith("metric: unknown key at the root of the run file")
                .contains("did you mean 'metrics'?");
        assertThat(error("model = test-model, learning-rate = 0.1").getMessage())
                .contains("did you mean 'args.learning-rate'?");
    }

    @Test
    void aLossBlockIsRefusedWithHowToChangeTheLossInCode() {
        // there is no loss plugin kind (a loss is backend graph code): the block must stop the run, not be ignored
        ConfigurationException error = error("model = test-model, loss { type = mean-squared-error }");
        assertThat(error.key()).isEqualTo("loss");
        assertThat(error.getMessage()).startsWith("loss: unknown key at the root of the run file")
                .contains("override computeLoss (TfTrainer#computeLoss, see samples/custom-loss)");
    }

    @Test
    void huggingFaceNamesAreAliasesOfTheKebabCaseKeys() {
        RunConfig run = parse("""
                model = test-model
                args {
                  learning_rate = 0.01
                  evaluation_strategy = epoch
                  disable_tqdm = true
                  group_by_length = true
                  warmup_ratio = 0.1
                  per_device_train_batch_size = 4
                  use_cpu = true
                }
                """);

        assertThat(run.args().learningRate()).isEqualTo(0.01);
        assertThat(run.args().evalStrategy()).isEqualTo(IntervalStrategy.EPOCH);
        assertThat(run.args().disableProgress()).isTrue();
        assertThat(run.args().trainSamplingStrategy()).isEqualTo(SamplingStrategy.GROUP_BY_LENGTH);
        assertThat(run.args().warmupSteps(100)).isEqualTo(10);
        assertThat(run.args().perDeviceTrainBatchSize()).isEqualTo(4);
        assertThat(run.resolved().getDouble("args.learning-rate")).isEqualTo(0.01);
        assertThat(run.resolved().hasPath("args.learning_rate")).isFalse();
        assertThat(run.args().useCpu()).isTrue();
    }

    @Test
    void groupByLengthFalseChangesNothingAndV5NameIsAccepted() {
        assertThat(parse("model = test-model, args { group_by_length = false }").args().trainSamplingStrategy())
                .isEqualTo(SamplingStrategy.RANDOM);
        assertThat(parse("model = test-model, args { train_sampling_strategy = sequential }").args().trainSamplingStrategy())
                .isEqualTo(SamplingStrategy.SEQUENTIAL);
    }

    @Test
    void oneSettingUnderTwoSpellingsIsAnErrorNamingBoth() {
        ConfigurationException e = error("model = test-model, args { learning_rate = 0.01, learning-rate = 0.02 }");

        assertThat(e.key()).isEqualTo("args.learning-rate");
        assertThat(e.getMessage()).contains("'learning_rate'").contains("'learning-rate'").contains("keep one");
        assertThat(error("model = test-model, args { evaluation_strategy = epoch, eval-strategy = steps }").getMessage())
                .contains("'evaluation_strategy'").contains("'eval-strategy'");
        assertThat(error("model = test-model, args { group_by_length = true, train-sampling-strategy = random }").getMessage())
                .contains("'group_by_length'").contains("'train-sampling-strategy'");
    }

    @Test
    void noCudaIsRefusedWithAPointerToTheSupportedSettings() {
        assertThat(error("model = test-model, args { no_cuda = true }").getMessage())
                .startsWith("args.no_cuda: 'no_cuda' is not supported")
                .contains("args.devices")
                .contains("use_cpu");
    }

    @Test
    void overridesWinOverTheRunFileEvenUnderAnotherSpelling() {
        Config file = ConfigFactory.parseString("""
                model { type = test-model, hidden-size = 8 }
                metrics = [test-accuracy]
                args { learning-rate = 0.1, seed = 7 }
                """);
        Config overrides = ConfigOverrides.parse(List.of(
                "args.learning_rate=3e-4", "model.hidden-size=64", "metrics=[test-f1, test-accuracy]", "args.output-dir=out/x"));

        RunConfig run = parser.parse(file, overrides, BASE);

        assertThat(run.args().learningRate()).isEqualTo(3e-4);
        assertThat(run.args().seed()).isEqualTo(7);
        assertThat(run.args().outputDir()).isEqualTo("out/x");
        assertThat(run.model().settings().getInt("hidden-size")).isEqualTo(64);
        assertThat(run.metrics()).extracting(PluginBlock::type).containsExactly("test-f1", "test-accuracy");
    }

    @Test
    void anOverrideOfNullUnsetsTheSettingInsteadOfGivingTheStringNull() {
        Config file = ConfigFactory.parseString("""
                model = test-model
                args { metric-for-best-model = accuracy, run-name = "a" }
                """);
        Config overrides = ConfigOverrides.parse(List.of("args.metric-for-best-model=null", "args.run-name=\"null\""));

        RunConfig run = parser.parse(file, overrides, BASE);

        assertThat(run.args().metricForBestModel()).isEmpty();
        assertThat(run.args().runName()).contains("null");
    }

    @Test
    void overridesThatAreNotAssignmentsAreErrors() {
        assertThatThrownBy(() -> ConfigOverrides.parse(List.of("args.learning-rate")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("expected key=value");
        assertThatThrownBy(() -> ConfigOverrides.parse(List.of("args..x=1")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("'args..x' is not a valid key path");
    }

    @Test
    void laterOverridesWin() {
        assertThat(ConfigOverrides.parse(List.of("args.seed=1", "args.seed=2")).getInt("args.seed")).isEqualTo(2);
        assertThat(ConfigOverrides.parse(List.of("args.output-dir=C:x")).getString("args.output-dir")).isEqualTo("C:x");
    }

    @Test
    void renderPrintsTheFullyResolvedRunWithoutComments() {
        RunConfig run = parse("""
                # a comment
                model { type = test-model, hidden-size = 32 }
                metrics = [test-f1]
                data.eval { validation = test-dataset }
                """);

        String rendered = run.render();
        Config reparsed = ConfigFactory.parseString(rendered);

        assertThat(rendered).doesNotContain("#");
        assertThat(reparsed.getString("model.type")).isEqualTo("test-model");
        assertThat(reparsed.getInt("model.hidden-size")).isEqualTo(32);
        assertThat(reparsed.getString("model.activation")).isEqualTo("relu");
        assertThat(reparsed.getConfigList("metrics").get(0).getString("average")).isEqualTo("binary");
        assertThat(reparsed.getInt("data.eval.validation.size")).isEqualTo(4);
        assertThat(reparsed.getDouble("args.learning-rate")).isEqualTo(5e-5);
        assertThat(reparsed.getString("backend.type")).isEqualTo("test-backend");
        assertThat(ConfigFactory.parseString(run.renderJson()).getInt("model.hidden-size")).isEqualTo(32);
    }

    @Test
    void missingRunFileIsAnError(@TempDir Path directory) {
        Path missing = directory.resolve("nope.conf");

        assertThatThrownBy(() -> parser.load(missing, ConfigFactory.empty()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("run file " + missing + " does not exist");
    }

    @Test
    void runFileSyntaxErrorNamesTheFile(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("broken.conf");
        Files.writeString(file, "model { type = test-model\n");

        assertThatThrownBy(() -> parser.load(file, ConfigFactory.empty()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("cannot read run file " + file)
                .hasMessageContaining("broken.conf");
    }

    @Test
    void aCallbackGivenTwiceIsRefused() {
        ConfigurationException e = error("""
                model = test-model
                callbacks = [test-early-stopping, { type = test-early-stopping, early-stopping-patience = 3 }]
                """);

        assertThat(e.key()).isEqualTo("callbacks[1]");
        assertThat(e).hasMessageStartingWith("callbacks[1]: callback 'test-early-stopping' is already given as callbacks[0]");
    }
}
