package dev.trainer4j.search;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer4j.api.Callback;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.SamplingStrategy;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.SearchDirection;
import dev.trainer4j.api.SearchObjective;
import dev.trainer4j.api.SearchOptions;
import dev.trainer4j.api.SearchResult;
import dev.trainer4j.api.SearchSpace;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.api.TrialResult;
import dev.trainer4j.api.TrialState;
import dev.trainer4j.testing.FakeBackend;
import dev.trainer4j.testing.FakeData;
import dev.trainer4j.testing.FakeEngine;
import dev.trainer4j.testing.FakeModel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Trainer.hyperparameterSearch on the fake backend: trials, results file, failures, pruning, resume, parallel trials. */
final class HyperparameterSearchTest {
    private static final MapDataset TRAIN = FakeData.regression(32, 2, 1);
    private static final MapDataset EVAL = FakeData.regression(16, 2, 2);
    /** 32 examples in batches of 4. */
    private static final int STEPS_PER_EPOCH = 8;
    private static final SearchSpace LEARNING_RATE = SearchSpace.builder()
            .floatRange("args.learning-rate", 1e-3, 0.3, true).build();

    @TempDir
    Path directory;

    private static TrainingArguments.Builder args(Path outputDir, int epochs) {
        return TrainingArguments.builder().outputDir(outputDir.toString()).perDeviceTrainBatchSize(4)
                .perDeviceEvalBatchSize(8).numTrainEpochs(epochs).optim("sgd").learningRate(0.1)
                .lrSchedulerType("constant").maxGradNorm(0).trainSamplingStrategy(SamplingStrategy.SEQUENTIAL)
                .loggingStrategy(IntervalStrategy.NO).evalStrategy(IntervalStrategy.EPOCH).saveStrategy(SaveStrategy.NO);
    }

    private static TrainerSpec spec(TrainingArguments args) {
        return TrainerSpec.builder().args(args).model(new FakeModel(2)).trainDataset(TRAIN).evalDataset(EVAL).build();
    }

    private static SearchResult search(FakeBackend backend, TrainerSpec spec, SearchSpace space, int trials, SearchOptions options) {
        try (Trainer trainer = backend.createTrainer(spec)) {
            return trainer.hyperparameterSearch(space, SearchObjective.EVAL_LOSS, trials, SearchDirection.MINIMIZE, options);
        }
    }

    private static SearchOptions random() {
        return SearchOptions.defaults().withSampler(SearchOptions.Sampler.RANDOM).withSeed(3);
    }

    @Test
    void everyTrialIsItsOwnTrainerAndItsObjectiveIsItsFinalEvalLoss() throws IOException {
        FakeBackend backend = new FakeBackend();
        Path out = directory.resolve("search");
        SearchResult result = search(backend, spec(args(out, 2).build()), LEARNING_RATE, 4, random());

        assertThat(result.trials()).extracting(TrialResult::number).containsExactly(0, 1, 2, 3);
        assertThat(result.trials()).allSatisfy(trial -> {
            assertThat(trial.state()).isEqualTo(TrialState.COMPLETE);
            assertThat(trial.trainedSteps()).isEqualTo(2 * STEPS_PER_EPOCH);
            assertThat(trial.intermediate()).hasSize(2);
        });
        assertThat(backend.engines()).hasSize(4).allSatisfy(engine -> assertThat(engine.isClosed()).isTrue());

        // independently: train trial 2's arguments by hand and evaluate
        TrialResult trial = result.trials().get(2);
        double learningRate = (double) trial.parameters().get("args.learning-rate");
        try (Trainer manual = new FakeBackend().createTrainer(spec(args(directory.resolve("manual"), 2)
                .learningRate(learningRate).build()))) {
            manual.train();
            assertThat(trial.objective().getAsDouble()).isEqualTo(manual.evaluate().get("eval_loss"));
        }
        TrialResult best = result.trials().stream().min(java.util.Comparator.comparingDouble(t -> t.objective().getAsDouble())).orElseThrow();
        assertThat(result.bestTrial()).contains(best);

        Map<String, Object> file = new ObjectMapper().readValue(out.resolve("hpo_results.json").toFile(), new TypeReference<>() { });
        assertThat((List<?>) file.get("trials")).hasSize(4);
        assertThat(((Map<?, ?>) file.get("best_trial")).get("number")).isEqualTo(best.number());
        assertThat(((Map<?, ?>) ((List<?>) file.get("trials")).get(2)).get("objective")).isEqualTo(trial.objective().getAsDouble());
        assertThat(out.resolve("trial-0")).isDirectory();
        String report = Files.readString(out.resolve("hpo_report.html"));
        assertThat(report).contains("objective by trial", "args.learning-rate against the objective", "<svg");
    }

    @Test
    void theSameSeedGivesTheSameTrialsOneAtATime() {
        SearchSpace space = SearchSpace.builder().floatRange("args.learning-rate", 1e-3, 0.3, true)
                .categorical("args.per-device-train-batch-size", List.of(2, 4, 8)).build();
        SearchOptions tpe = SearchOptions.defaults().withSeed(11).withStartupTrials(2);
        List<Map<String, Object>> first = parameters(search(new FakeBackend(), spec(args(directory.resolve("a"), 1).build()), space, 5, tpe));
        List<Map<String, Object>> second = parameters(search(new FakeBackend(), spec(args(directory.resolve("b"), 1).build()), space, 5, tpe));
        List<Map<String, Object>> otherSeed = parameters(search(new FakeBackend(), spec(args(directory.resolve("c"), 1).build()), space, 5,
                tpe.withSeed(12)));
        assertThat(second).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
    }

    @Test
    void aTrialWhoseLossIsNotFiniteIsFailedAndTheSearchGoesOn() {
        SearchSpace space = SearchSpace.builder().categorical("args.learning-rate", List.of(0.05, 1e40, 0.1)).build();
        SearchResult result = search(new FakeBackend(), spec(args(directory.resolve("s"), 2).build()), space, 3,
                SearchOptions.defaults().withSampler(SearchOptions.Sampler.GRID));
        assertThat(result.trials()).extracting(TrialResult::state)
                .containsExactly(TrialState.COMPLETE, TrialState.FAILED, TrialState.COMPLETE);
        TrialResult failed = result.trials().get(1);
        assertThat(failed.message()).contains("NonFiniteLossException", "non-finite loss");
        assertThat(failed.objective()).isEmpty();
        assertThat(result.bestTrial().orElseThrow().number()).isIn(0, 2);
    }

    @Test
    void ashaStopsTrialsRightAtTheEvaluationThatPrunesThem() {
        FakeBackend backend = new FakeBackend();
        SearchSpace space = SearchSpace.builder().floatRange("args.learning-rate", 1e-4, 0.5, true).build();
        SearchResult result = search(backend, spec(args(directory.resolve("asha"), 9).build()), space, 9,
                random().withAsha(3, 1));

        List<TrialResult> pruned = result.trials().stream().filter(t -> t.state() == TrialState.PRUNED).toList();
        assertThat(pruned).isNotEmpty();
        for (TrialResult trial : pruned) {
            // evaluation per epoch: a pruned trial trained exactly as many epochs as it had evaluations
            assertThat(trial.trainedSteps()).isEqualTo((long) trial.intermediate().size() * STEPS_PER_EPOCH);
            assertThat(trial.trainedSteps()).isLessThan(9L * STEPS_PER_EPOCH);
            assertThat(trial.objective().getAsDouble()).isEqualTo(trial.intermediate().get(trial.intermediate().size() - 1));
        }
        assertThat(backend.engines()).allSatisfy(engine -> assertThat(engine.isClosed()).isTrue());
        // the same decisions from a fresh pruner fed the recorded values in trial order (one trial at a time)
        AshaPruner replay = new AshaPruner(SearchDirection.MINIMIZE, 3, 1);
        for (TrialResult trial : result.trials()) {
            boolean stopped = false;
            for (int evaluation = 1; evaluation <= trial.intermediate().size() && !stopped; evaluation++) {
                stopped = replay.report(trial.number(), evaluation, trial.intermediate().get(evaluation - 1));
            }
            assertThat(stopped).as("trial %d", trial.number()).isEqualTo(trial.state() == TrialState.PRUNED);
        }
    }

    @Test
    void aResumedSearchRunsOnlyTheTrialsThatHadNotFinished() throws IOException {
        Path out = directory.resolve("resumed");
        search(new FakeBackend(), spec(args(out, 1).build()), LEARNING_RATE, 3, random());
        Files.createDirectories(out.resolve("trial-3"));
        Files.writeString(out.resolve("trial-3/left-over.txt"), "an interrupted trial's file");

        FakeBackend resumedBackend = new FakeBackend();
        SearchResult resumed = search(resumedBackend, spec(args(out, 1).build()), LEARNING_RATE, 5, random().withResume(true));
        SearchResult fresh = search(new FakeBackend(), spec(args(directory.resolve("fresh"), 1).build()), LEARNING_RATE, 5, random());

        assertThat(resumedBackend.engines()).hasSize(2);
        assertThat(out.resolve("trial-3/left-over.txt")).doesNotExist();
        assertThat(parameters(resumed)).isEqualTo(parameters(fresh));
        assertThat(resumed.trials()).extracting(t -> t.objective().getAsDouble())
                .containsExactlyElementsOf(fresh.trials().stream().map(t -> t.objective().getAsDouble()).toList());

        assertThatThrownBy(() -> search(new FakeBackend(), spec(args(out, 1).build()), LEARNING_RATE, 5, random()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("search.resume = true")
                .extracting(e -> ((ConfigurationException) e).key()).isEqualTo("search.resume");
        assertThatThrownBy(() -> search(new FakeBackend(), spec(args(out, 1).build()), LEARNING_RATE, 5,
                random().withSeed(4).withResume(true)))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("seed = 3");
    }

    @Test
    void parallelTrialsTrainAtTheSameTimeAndGiveTheSameResultsAsOneAtATime() {
        CountDownLatch allStarted = new CountDownLatch(3);
        AtomicInteger concurrent = new AtomicInteger();
        Callback rendezvous = new Callback() {
            @Override
            public void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) {
                allStarted.countDown();
                try {
                    if (allStarted.await(20, TimeUnit.SECONDS)) {
                        concurrent.incrementAndGet();
                    }
                }
                catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        FakeBackend backend = new FakeBackend();
        TrainerSpec parallelSpec = spec(args(directory.resolve("parallel"), 2).build()).toBuilder().addCallback(rendezvous).build();
        SearchResult parallel = search(backend, parallelSpec, LEARNING_RATE, 6, random().withParallelTrials(3));
        SearchResult sequential = search(new FakeBackend(), spec(args(directory.resolve("sequential"), 2).build()), LEARNING_RATE, 6, random());

        assertThat(concurrent.get()).isGreaterThanOrEqualTo(3);
        assertThat(parameters(parallel)).isEqualTo(parameters(sequential));
        assertThat(parallel.trials()).extracting(t -> t.objective().getAsDouble())
                .containsExactlyElementsOf(sequential.trials().stream().map(t -> t.objective().getAsDouble()).toList());
        assertThat(backend.engines()).hasSize(6).allSatisfy(engine -> assertThat(engine.isClosed()).isTrue());
    }

    @Test
    void theModelFactoryIsCalledOncePerTrial() {
        AtomicInteger calls = new AtomicInteger();
        TrainerSpec spec = TrainerSpec.builder().args(args(directory.resolve("init"), 1).build())
                .modelFactory(() -> {
                    calls.incrementAndGet();
                    return new FakeModel(2);
                }).trainDataset(TRAIN).evalDataset(EVAL).build();
        search(new FakeBackend(), spec, LEARNING_RATE, 3, random());
        // once for the trainer the search is called on, then once per trial
        assertThat(calls.get()).isEqualTo(1 + 3);
    }

    @Test
    void keysATrainerCannotSearchAreRefusedNamingThem() {
        TrainerSpec spec = spec(args(directory.resolve("bad"), 1).build());
        assertThatThrownBy(() -> search(new FakeBackend(), spec, SearchSpace.builder()
                .categorical("model.hidden-sizes", List.of(List.of(8))).build(), 2, random()))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("model.hidden-sizes: ");
        assertThatThrownBy(() -> search(new FakeBackend(), spec, SearchSpace.builder()
                .floatRange("args.learnin-rate", 0.1, 0.2, false).build(), 2, random()))
                .isInstanceOf(ConfigurationException.class).hasMessageContaining("args.learnin-rate")
                .hasMessageContaining("learning-rate");
        assertThat(backendlessFiles(directory.resolve("bad"))).isEmpty();
    }

    @Test
    void badRangesAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> SearchSpace.builder().floatRange("args.learning-rate", 0, 0.1, true))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("args.learning-rate: a log-scale range needs bounds > 0, but low is 0.0; expected 0 < low <= high");
        assertThatThrownBy(() -> SearchSpace.builder().floatRange("args.weight-decay", 0.2, 0.1, false))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("args.weight-decay: low (0.2) is greater than high (0.1); expected low <= high");
        assertThatThrownBy(() -> SearchSpace.builder().categorical("model.hidden-sizes", List.of()))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("model.hidden-sizes: ");
        assertThatThrownBy(() -> SearchSpace.builder().intRange("args.max-steps", 10, 5, false))
                .isInstanceOf(ConfigurationException.class).hasMessageStartingWith("args.max-steps: low (10.0) is greater");
    }

    private static List<String> backendlessFiles(Path folder) {
        if (!Files.exists(folder)) {
            return List.of();
        }
        try (var files = Files.list(folder)) {
            return files.map(Path::toString).toList();
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<Map<String, Object>> parameters(SearchResult result) {
        List<Map<String, Object>> parameters = new ArrayList<>();
        result.trials().forEach(trial -> parameters.add(trial.parameters()));
        return parameters;
    }
}
