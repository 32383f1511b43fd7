package dev.trainer4j.api;

import com.typesafe.config.Config;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Every key of {@code trainer4j.args} reaches its own getter, and no getter has a default of its own. */
class TrainingArgumentsMappingTest {
    /**
     * Settings a key needs when it changes alone: load-best-model-at-end needs an evaluation (save-strategy steps and
     * save-steps 500 are then a multiple of eval-steps, which falls back to logging-steps 500); a prefetch factor
     * needs workers; model-parallel needs a device map.
     */
    private static final Map<String, Map<String, Object>> COMPANIONS = Map.of(
            "load-best-model-at-end", Map.of("eval-strategy", "steps"),
            "dataloader-prefetch-factor", Map.of("dataloader-num-workers", 1),
            "strategy", Map.of("device-map", Map.of("all", "/device:CPU:0")));

    /** Getters that resolve an unset (null) value from other keys, as HF does. */
    private static final Map<String, Set<String>> DERIVED = Map.of(
            "eval-steps", Set.of("logging-steps"),
            "data-seed", Set.of("seed"),
            "metric-for-best-model", Set.of("load-best-model-at-end", "lr-scheduler-type"),
            "greater-is-better", Set.of("metric-for-best-model", "load-best-model-at-end", "lr-scheduler-type"));

    /** Valid values of keys that take only fixed names or a syntax the checker cannot guess. */
    private static final Map<String, Object> SAMPLES = Map.of(
            "include-for-metrics", List.of("inputs"),
            "include-num-input-tokens-seen", "all",
            "report-to", List.of("tensorboard"),
            "log-level", "debug",
            "debug", List.of("underflow_overflow"),
            "optim-args", "clip_threshold=0.5",
            "gradient-checkpointing-kwargs", Map.of("use_reentrant", false));

    private static ArgumentMappingChecker<TrainingArguments> checker() {
        return ArgumentMappingChecker.of(TrainingArguments.defaults(), TrainingArguments::fromConfig,
                        TrainingArguments.class, TrainingArguments::argument)
                .withCompanions(COMPANIONS).withDerived(DERIVED).withSamples(SAMPLES);
    }

    @Test
    void everyKeyReachesItsGetterAndNoOther() {
        assertThat(checker().problems()).isEmpty();
    }

    @Test
    void theCheckerReportsTwoSwappedKeysAndAGetterWithItsOwnDefault() {
        List<String> problems = ArgumentMappingChecker.of(SwappedArguments.REFERENCE, SwappedArguments::fromConfig,
                SwappedArguments.class, SwappedArguments::argument).problems();

        assertThat(problems).contains(
                "logging-first-step = true did not reach loggingFirstStep(): it returns false",
                "logging-first-step = true changed evalOnStart() from false to true",
                "eval-on-start = true did not reach evalOnStart(): it returns false",
                "eval-on-start = true changed loggingFirstStep() from false to true",
                "dataloader-prefetch-factor: with the defaults alone dataloaderPrefetchFactor() returns 2 but the "
                        + "reference default is null");
        assertThat(problems).noneMatch(problem -> problem.startsWith("learning-rate"));
    }

    @Test
    void theCheckerReportsAKeyWithoutAGetter() {
        Config reference = SwappedArguments.REFERENCE.withFallback(com.typesafe.config.ConfigFactory.parseString("warmup-ratio = null"));
        assertThat(ArgumentMappingChecker.of(reference, SwappedArguments::fromConfig, SwappedArguments.class,
                SwappedArguments::argument).problems())
                .containsExactly("warmup-ratio: no getter warmupRatio() in SwappedArguments");
    }

    @Test
    void everyDeclaredArgumentHasAReferenceDefaultAndViceVersa() {
        Set<String> declared = new HashSet<>();
        TrainingArguments.arguments().forEach(argument -> declared.add(argument.key()));
        Set<String> referenced = TrainingArguments.defaults().root().keySet();

        assertThat(declared).hasSameSizeAs(TrainingArguments.arguments());
        assertThat(declared).containsExactlyInAnyOrderElementsOf(referenced);
        assertThat(TrainingArguments.fromConfig(TrainingArguments.defaults()).toMap().keySet())
                .containsExactlyElementsOf(TrainingArguments.arguments().stream().map(Argument::key).toList());
    }

    @Test
    void hfAliasesAreSnakeCaseAndNameNoOtherKey() {
        Set<String> keys = TrainingArguments.defaults().root().keySet();
        for (Argument<?> argument : TrainingArguments.arguments()) {
            for (String alias : argument.aliases()) {
                assertThat(alias).as("alias of %s", argument.key()).matches("[a-z0-9]+(_[a-z0-9]+)*");
                assertThat(keys).as("alias %s of %s", alias, argument.key()).doesNotContain(alias.replace('_', '-'));
            }
        }
    }

    @Test
    void aSnapshotReadsBackAsTheSameArguments() {
        TrainingArguments arguments = TrainingArguments.builder().learningRate(1e-3).evalSteps(0.25).labelNames(List.of("y"))
                .lrSchedulerKwargs(Map.of("power", 2.0)).optim(OptimizerType.SGD).dataSeed(7L).build();
        Config snapshot = com.typesafe.config.ConfigFactory.parseMap(arguments.toMap());

        assertThat(TrainingArguments.fromConfig(snapshot)).isEqualTo(arguments);
        assertThat(arguments.toBuilder().build()).isEqualTo(arguments);
    }
}
