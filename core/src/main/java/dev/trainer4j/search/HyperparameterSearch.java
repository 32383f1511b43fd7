package dev.trainer4j.search;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.SearchDirection;
import dev.trainer4j.api.SearchObjective;
import dev.trainer4j.api.SearchOptions;
import dev.trainer4j.api.SearchResult;
import dev.trainer4j.api.SearchSpace;
import dev.trainer4j.api.TrainOutput;
import dev.trainer4j.api.TrainingInterruptedException;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrialResult;
import dev.trainer4j.api.TrialState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * A hyperparameter search (HF's {@code hyperparameter_search}) done the JVM way: every trial is its own trainer
 * (own model, graph and session) made by a {@link TrialTrainerFactory}, trained in {@code output-dir/trial-<n>/} and
 * closed when it ends; {@code parallel-trials} of them train at once on a thread pool of this JVM.
 *
 * <p>A trial is sampled when a slot is free, from the trials finished by then ({@link ParameterSampler}). During
 * training its objective is computed at every evaluation and handed to the pruner ({@link AshaPruner}), which may
 * stop it at once ({@link dev.trainer4j.api.TrainerControl#setShouldTrainingStop}); after training the objective is
 * that of the final evaluation (the last one during training when it was at the final step, else a fresh
 * {@code evaluate()}). A trial that throws, or whose objective is not finite, is recorded as failed with its message
 * and the search goes on. After every trial, {@code output-dir/hpo_results.json} and {@code hpo_report.html} are
 * rewritten; with {@code resume} the trials recorded there are kept and only the others run.
 */
public final class HyperparameterSearch {
    private static final Logger LOG = LoggerFactory.getLogger(HyperparameterSearch.class);

    private final SearchSpace space;
    private final SearchObjective objective;
    private final String objectiveName;
    private final int trials;
    private final SearchDirection direction;
    private final SearchOptions options;
    private final Path outputDir;
    private final TrialTrainerFactory factory;

    /**
     * @param objectiveName how the objective is named in the results and report, e.g. {@code eval_loss}
     * @param trials how many trials to run (grid search: at most the grid's size)
     */
    public HyperparameterSearch(SearchSpace space, SearchObjective objective, String objectiveName, int trials,
            SearchDirection direction, SearchOptions options, Path outputDir, TrialTrainerFactory factory) {
        this.space = requireNonNull(space, "space is null");
        this.objective = requireNonNull(objective, "objective is null");
        this.objectiveName = requireNonNull(objectiveName, "objectiveName is null");
        if (trials < 1) {
            throw new ConfigurationException("search.trials", trials, "an integer >= 1");
        }
        this.trials = trials;
        this.direction = requireNonNull(direction, "direction is null");
        this.options = requireNonNull(options, "options is null");
        this.outputDir = requireNonNull(outputDir, "outputDir is null");
        this.factory = requireNonNull(factory, "factory is null");
    }

    /**
     * The search of {@code Trainer.hyperparameterSearch}: trials from {@code spec} with the trial's {@code args.*}
     * values and output dir ({@code args.output-dir/trial-<n>}), made by {@code trainers}.
     */
    public static HyperparameterSearch forSpec(TrainerSpec spec, SearchSpace space, SearchObjective objective, int trials,
            SearchDirection direction, SearchOptions options, Function<TrainerSpec, Trainer> trainers) {
        requireNonNull(spec, "spec is null");
        requireNonNull(trainers, "trainers is null");
        TrialArguments.checkKeys(space);
        String name = objective == SearchObjective.EVAL_LOSS ? "eval_loss" : "objective";
        return new HyperparameterSearch(space, objective, name, trials, direction, options, Path.of(spec.args().outputDir()),
                trial -> trainers.apply(spec.toBuilder()
                        .args(TrialArguments.apply(spec.args(), trial.parameters(), trial.outputDirectory())).build()));
    }

    /** The sampler the options name. */
    ParameterSampler sampler() {
        return switch (options.sampler()) {
            case RANDOM -> new RandomParameterSampler(space, options.seed());
            case GRID -> new GridParameterSampler(space);
            case TPE -> new TpeParameterSampler(space, direction, options.seed(), options.startupTrials(), options.eiCandidates());
        };
    }

    /** Runs the search; returns every trial (by number) once all have finished. */
    public SearchResult run() {
        ParameterSampler sampler = sampler();
        int total = trials;
        if (sampler instanceof GridParameterSampler grid && grid.size() < total) {
            LOG.info("grid search: the grid has {} combinations, so {} trials run instead of {}", grid.size(), grid.size(), total);
            total = (int) grid.size();
        }
        Map<String, Object> settings = SearchResultsFile.settings(space, direction, options.sampler().configName(),
                options.seed(), total);
        settings.put("objective", objectiveName);
        List<TrialResult> finished = new ArrayList<>();
        if (options.resume()) {
            finished.addAll(SearchResultsFile.read(outputDir, settings, space));
            LOG.info("resuming the search in {}: {} trials finished before", outputDir, finished.size());
        }
        else {
            refuseEarlierSearch();
        }
        AshaPruner pruner = options.pruner() == SearchOptions.Pruner.ASHA
                ? new AshaPruner(direction, options.reductionFactor(), options.minResource()) : null;
        Set<Integer> done = new TreeSet<>();
        for (TrialResult trial : finished) {
            done.add(trial.number());
            if (pruner != null) {
                pruner.replay(trial.number(), trial.intermediate());
            }
        }
        AtomicInteger threads = new AtomicInteger();
        ExecutorService executor = Executors.newFixedThreadPool(options.parallelTrials(), runnable -> {
            Thread thread = new Thread(runnable, "trainer4j-trial-" + threads.getAndIncrement());
            thread.setDaemon(true);
            return thread;
        });
        try {
            CompletionService<TrialResult> completion = new ExecutorCompletionService<>(executor);
            int running = 0;
            int next = 0;
            while (true) {
                while (running < options.parallelTrials() && next < total) {
                    int number = next++;
                    if (done.contains(number)) {
                        continue;
                    }
                    Map<String, Object> parameters = sampler.sample(number, List.copyOf(finished));
                    Trial trial = new Trial(number, parameters, outputDir.resolve(Trial.folderName(number)));
                    AshaPruner trialPruner = pruner;
                    completion.submit(() -> runTrial(trial, trialPruner));
                    running++;
                }
                if (running == 0) {
                    break;
                }
                TrialResult result = take(completion);
                running--;
                finished.add(result);
                LOG.info("trial {} {}: {} = {} {}{}", result.number(), result.state().configName(), objectiveName,
                        result.objective().isPresent() ? format(result.objective().getAsDouble()) : "-",
                        result.parameters(), result.message().isEmpty() ? "" : " (" + result.message() + ")");
                write(settings, finished);
            }
        }
        finally {
            executor.shutdownNow();
        }
        SearchResult result = write(settings, finished);
        result.bestTrial().ifPresentOrElse(
                best -> LOG.info("best trial {}: {} = {} {}", best.number(), objectiveName,
                        format(best.objective().getAsDouble()), best.parameters()),
                () -> LOG.warn("no trial of the search completed"));
        return result;
    }

    private static TrialResult take(CompletionService<TrialResult> completion) {
        try {
            Future<TrialResult> future = completion.take();
            return future.get();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TrainingInterruptedException("the search was interrupted; its finished trials are in "
                    + SearchResultsFile.FILE + " and search.resume = true goes on with the others", null);
        }
        catch (ExecutionException e) {
            throw new IllegalStateException("a trial's runner failed: " + e.getCause(), e.getCause());
        }
    }

    private SearchResult write(Map<String, Object> settings, List<TrialResult> finished) {
        List<TrialResult> byNumber = new ArrayList<>(finished);
        byNumber.sort(Comparator.comparingInt(TrialResult::number));
        SearchResult result = new SearchResult(byNumber, direction);
        SearchResultsFile.write(outputDir, settings, result);
        SearchReport.write(outputDir, space, objectiveName, result);
        return result;
    }

    /** A fresh search refuses an output dir that holds an earlier search's trials (resume = true continues it). */
    private void refuseEarlierSearch() {
        if (Files.exists(outputDir.resolve(SearchResultsFile.FILE))) {
            throw new ConfigurationException("search.resume", "search.resume: " + outputDir + " holds an earlier search ("
                    + SearchResultsFile.FILE + "); set search.resume = true to go on with it, or choose another output-dir");
        }
    }

    private TrialResult runTrial(Trial trial, AshaPruner pruner) {
        deleteFolder(trial.outputDirectory());
        TrialReporter reporter = new TrialReporter(trial.number(), objective, pruner);
        long steps = 0;
        try (Trainer trainer = requireNonNull(factory.create(trial), "the trial trainer factory returned null")) {
            trainer.addCallback(reporter);
            TrainOutput output = trainer.train();
            steps = output.globalStep();
            trainer.removeCallback(reporter);
            if (reporter.failure() != null) {
                return failed(trial, reporter, steps, reporter.failure());
            }
            if (reporter.pruned()) {
                List<Double> values = reporter.intermediate();
                return new TrialResult(trial.number(), trial.parameters(), TrialState.PRUNED,
                        OptionalDouble.of(values.get(values.size() - 1)), "", values, steps);
            }
            double value;
            List<Double> values = reporter.intermediate();
            if (!values.isEmpty() && reporter.lastEvaluationStep() == steps) {
                value = values.get(values.size() - 1);
            }
            else {
                value = objective.compute(trainer.evaluate());
            }
            if (!Double.isFinite(value)) {
                return failed(trial, reporter, steps, "the final objective is not finite (" + value + ")");
            }
            return new TrialResult(trial.number(), trial.parameters(), TrialState.COMPLETE, OptionalDouble.of(value), "",
                    values, steps);
        }
        catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
            String message = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getName()
                    : e.getClass().getSimpleName() + ": " + e.getMessage();
            LOG.warn("trial {} failed: {}", trial.number(), message);
            return failed(trial, reporter, steps, message);
        }
    }

    private static TrialResult failed(Trial trial, TrialReporter reporter, long steps, String message) {
        return new TrialResult(trial.number(), trial.parameters(), TrialState.FAILED, OptionalDouble.empty(), message,
                reporter.intermediate(), steps);
    }

    /** A trial that did not finish before an interruption left a partial folder: it reruns from scratch. */
    private static void deleteFolder(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot clear the unfinished trial folder " + folder, e);
        }
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.6g", value);
    }
}
