package dev.trainer4j.loop;

import dev.trainer4j.api.DataException;
import dev.trainer4j.api.Batch;
import dev.trainer4j.api.BatchIterator;
import dev.trainer4j.api.Callback;
import dev.trainer4j.api.ComputeMetrics;
import dev.trainer4j.api.DataLoader;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.Metric;
import dev.trainer4j.api.NonFiniteLossException;
import dev.trainer4j.api.NonFinitePolicy;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.api.TrainOutput;
import dev.trainer4j.spi.EvalBatchOutput;
import dev.trainer4j.spi.StartupTimeline;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.spi.StepOutcome;
import dev.trainer4j.spi.TrainingEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * One run of {@code Trainer.train()}, in HF's {@code _inner_training_loop} event order (hf-trainer.md §3.6): the step
 * accounting (updates per epoch, max steps, epochs), the epoch and gradient-accumulation window loop, the
 * log/evaluate/save decisions, non-finite steps, {@code include-train-metrics} and the end-of-training metrics.
 * Checkpoints are handled by {@link RunCheckpoints}; data loaders, the schedule, batch preparation, evaluation and
 * logging come from the trainer through {@link TrainerHooks}.
 */
final class TrainingLoop {
    /** The trainer's logger, so that log output (and its configuration by logger name) stays as it was. */
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final LoopContext context;
    private final TrainerHooks hooks;
    private final TrainingArguments args;
    private final RunCheckpoints checkpoints;
    private TrainingEngine engine;
    private RunProgress progress;
    /** The micro-batches of the latest optimizer step, kept (not copied) only with {@code include-train-metrics}. */
    private List<Batch> trainMetricsWindow;
    /** Input tokens of this run's training batches (include-num-input-tokens-seen, include-tokens-per-second). */
    private long runTokens;
    /** Until the first optimizer step ends: the start-up timeline's last two marks are still to be made. */
    private boolean startupPending = true;

    public TrainingLoop(LoopContext context, TrainerHooks hooks) {
        this.context = requireNonNull(context, "context is null");
        this.hooks = requireNonNull(hooks, "hooks is null");
        this.args = context.args();
        this.checkpoints = new RunCheckpoints(context, hooks);
    }

    /**
     * Trains, resuming from a checkpoint folder or {@code "latest"} (the newest valid checkpoint in output-dir).
     * {@code null} trains from scratch.
     */
    public TrainOutput run(String resumeFromCheckpoint) {
        Path outputDir = Path.of(args.outputDir());
        RunCheckpoints.checkOutputDir(outputDir);
        try (OutputDirLock lock = OutputDirLock.acquire(outputDir)) {
            return runTraining(resumeFromCheckpoint, outputDir);
        }
        finally {
            checkpoints.closeInterruptSaver();
            context.stopRequest().endRun();
        }
    }

    private TrainOutput runTraining(String resumeFromCheckpoint, Path outputDir) {
        Optional<Path> checkpoint = checkpoints.resolveCheckpoint(resumeFromCheckpoint, outputDir);
        if (checkpoint.isEmpty()) {
            checkpoints.refuseOrClearPreviousRun(outputDir);
        }

        DataLoader loader = LimitedDataLoader.forTraining(hooks.trainDataLoader(), args);
        int accumulation = args.gradientAccumulationSteps();
        OptionalLong batchesPerEpoch = loader.batchesPerEpoch();
        long updatesPerEpoch;
        long maxSteps;
        long numTrainEpochs;
        if (batchesPerEpoch.isPresent()) {
            long batches = batchesPerEpoch.getAsLong();
            if (batches == 0) {
                throw new DataException("the train dataset gives no batch per epoch (examples: "
                        + loader.numExamples().orElse(-1) + ", per-device-train-batch-size: " + args.perDeviceTrainBatchSize()
                        + ", dataloader-drop-last: " + args.dataloaderDropLast() + ")");
            }
            updatesPerEpoch = Math.max(1, (batches + accumulation - 1) / accumulation);
            if (args.fastDevRun() > 0) {
                maxSteps = Math.min(args.fastDevRun(), updatesPerEpoch);
                numTrainEpochs = 1;
            }
            else if (args.maxSteps() > 0) {
                maxSteps = args.maxSteps();
                numTrainEpochs = maxSteps / updatesPerEpoch + (maxSteps % updatesPerEpoch > 0 ? 1 : 0);
            }
            else {
                maxSteps = (long) Math.ceil(args.numTrainEpochs() * updatesPerEpoch);
                numTrainEpochs = (long) Math.ceil(args.numTrainEpochs());
            }
        }
        else {
            if (args.maxSteps() <= 0 && args.fastDevRun() <= 0) {
                throw new ConfigurationException("max-steps", args.maxSteps(),
                        "an integer > 0: the train dataset is a stream of unknown size");
            }
            maxSteps = args.fastDevRun() > 0 ? args.fastDevRun() : args.maxSteps();
            updatesPerEpoch = maxSteps;
            numTrainEpochs = Integer.MAX_VALUE;
        }
        long stepsInEpoch = batchesPerEpoch.orElse(maxSteps * accumulation);

        MemoryMetrics memory = MemoryMetrics.startUnless(args.skipMemoryMetrics());
        engine = hooks.prepareEngineForRun(maxSteps, loader);
        context.startRun();
        progress = new RunProgress(hooks.createScheduler(maxSteps));
        trainMetricsWindow = null;
        checkpoints.bind(engine, progress);
        if (checkpoint.isPresent()) {
            checkpoints.restoreCheckpoint(checkpoint.get());
            if (args.ignoreDataSkip()) {
                // HF's ignore_data_skip: the resumed epoch's data starts again at its first batch
                progress.dataBatch = 0;
            }
        }
        runTokens = 0;
        TrainerState state = context.state();
        // HF's device_map as the backend placed the model; a resume onto another placement says so
        Map<String, String> deviceMap = engine.deviceMap();
        checkpoint.flatMap(path -> deviceMapChange(path, state.deviceMap(), deviceMap)).ifPresent(LOG::info);
        state.setDeviceMap(deviceMap);
        state.setMaxSteps(maxSteps);
        state.setNumTrainEpochs(numTrainEpochs);
        state.setTrainBatchSize(hooks.trainBatchSize());
        state.setLoggingSteps(TrainingArguments.resolveSteps(args.loggingSteps(), maxSteps));
        state.setEvalSteps(TrainingArguments.resolveSteps(args.evalSteps(), maxSteps));
        state.setSaveSteps(TrainingArguments.resolveSteps(args.saveSteps(), maxSteps));

        if (args.saveOnInterrupt()) {
            checkpoints.installInterruptSaver();
        }
        CallbackHandler callbackHandler = context.callbacks();
        TrainerControl control = context.control();
        StopRequest stopRequest = context.stopRequest();
        long startNanos = System.nanoTime();
        long maxTimeNanos = args.maxTimeBudget().map(java.time.Duration::toNanos).orElse(0L);
        long startStep = state.globalStep();
        int startEpoch = progress.dataEpoch;
        long startBatch = progress.dataBatch;
        boolean stopped = false;
        StartupTimeline.process().mark("train setup");
        callbackHandler.onTrainBegin(state, control);
        StartupTimeline.process().mark("callbacks on train begin");
        if (args.evalOnStart()) {
            hooks.evaluateAll();
        }
        if (args.fullGcBeforeTraining()) {
            // the setup's garbage (graph build, data preparation) goes now, and the heap shrinks to what the steps need
            System.gc();
            StartupTimeline.process().mark("full gc");
        }
        for (int epoch = startEpoch; epoch < numTrainEpochs; epoch++) {
            if (stopRequest.isRequested()) {
                stopped = true;
                break;
            }
            long firstBatch = epoch == startEpoch ? startBatch : 0;
            progress.dataEpoch = epoch;
            progress.dataBatch = firstBatch;
            callbackHandler.onEpochBegin(state, control);
            long windows = 0;
            try (BatchIterator batches = loader.iterator(epoch, firstBatch)) {
                while (!control.shouldEpochStop() && !control.shouldTrainingStop()) {
                    List<Batch> window = new ArrayList<>(accumulation);
                    while (window.size() < accumulation && batches.hasNext()) {
                        window.add(batches.next());
                    }
                    if (window.isEmpty()) {
                        break;
                    }
                    windows++;
                    long windowStart = progress.dataBatch;
                    boolean lastOfEpoch = batchesPerEpoch.isPresent() && windowStart + window.size() >= stepsInEpoch;
                    runWindow(window, epoch, windowStart, lastOfEpoch);
                    trainMetricsWindow = args.includeTrainMetrics() ? window : null;
                    progress.dataBatch = windowStart + window.size();
                    state.setGlobalStep(state.globalStep() + 1);
                    state.setEpoch(epoch + (double) progress.dataBatch / stepsInEpoch);
                    callbackHandler.onStepEnd(state, control);
                    maybeLogSaveEvaluate();
                    checkpoints.saveAndStopIfInterrupted();
                    if (maxTimeNanos > 0 && System.nanoTime() - startNanos >= maxTimeNanos) {
                        stopRequest.requestForMaxTime();
                    }
                    // a run that ends at this step anyway (max-steps, a callback) ends as usual
                    if (!control.shouldTrainingStop() && stopRequest.isRequested()) {
                        stopped = true;
                        break;
                    }
                }
            }
            if (stopped) {
                break;
            }
            if (windows == 0 && firstBatch == 0) {
                throw new DataException("the train dataset gave no batch in epoch " + epoch);
            }
            progress.dataEpoch = epoch + 1;
            progress.dataBatch = 0;
            logEpochLoss();
            callbackHandler.onEpochEnd(state, control);
            maybeLogSaveEvaluate();
            checkpoints.saveAndStopIfInterrupted();
            if (control.shouldTrainingStop()) {
                break;
            }
        }

        if (stopped) {
            saveOnStop(stopRequest, startStep);
        }
        progress.losses.absorb(engine.readTrainingLoss());
        if (args.loadBestModelAtEnd() && state.bestModelCheckpoint() != null) {
            checkpoints.loadBestModel();
        }
        double trainLoss = progress.losses.totalMean();
        double runtime = (System.nanoTime() - startNanos) / 1e9;
        double samples = batchesPerEpoch.isPresent() && args.maxSteps() <= 0
                ? loader.numExamples().orElse(0) * args.numTrainEpochs()
                : (double) maxSteps * hooks.trainBatchSize() * accumulation;
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("train_runtime", runtime);
        metrics.put("train_samples_per_second", samples / Math.max(runtime, 1e-9));
        metrics.put("train_steps_per_second", maxSteps / Math.max(runtime, 1e-9));
        if (args.includeTokensPerSecond()) {
            metrics.put("train_tokens_per_second", runTokens / Math.max(runtime, 1e-9));
        }
        metrics.put("train_loss", trainLoss);
        metrics.putAll(MemoryMetrics.stop(memory, "train"));
        hooks.log(metrics);
        if (!stopped) {
            // a stopped run keeps its checkpoints: the newest one is where it resumes
            checkpoints.keepOnlyBestAtEnd(outputDir);
        }
        metrics.put("epoch", state.epoch());
        callbackHandler.onTrainEnd(state, control);
        return new TrainOutput(state.globalStep(), trainLoss, metrics);
    }

    /**
     * A stop was requested ({@code Trainer.stop()} or an interrupt): saves the stop step's checkpoint unless
     * {@code save-strategy = no} (or it exists already, or this run has not trained a step) and says so in the log.
     */
    private void saveOnStop(StopRequest stopRequest, long startStep) {
        TrainerState state = context.state();
        long step = state.globalStep();
        String where;
        if (args.saveStrategy() == SaveStrategy.NO) {
            where = "no checkpoint saved (save-strategy = no)";
        }
        else if (args.fastDevRun() > 0) {
            where = "no checkpoint saved (fast-dev-run)";
        }
        else if (step == startStep && !checkpoints.savedAt(step)) {
            where = "no checkpoint saved: this run had not trained a step";
        }
        else {
            where = "saved " + checkpoints.saveForStop() + "; resume with train(\"latest\")";
        }
        LOG.info("training stopped on request ({}) at global step {}: {}", stopRequest.cause(), step, where);
    }

    private void runWindow(List<Batch> window, int epoch, long windowStart, boolean lastOfEpoch) {
        TrainerState state = context.state();
        TrainerControl control = context.control();
        CallbackHandler callbackHandler = context.callbacks();
        long step = state.globalStep();
        double learningRate = progress.schedule.learningRate(step);
        int microSteps = window.size();
        callbackHandler.onStepBegin(state, control);
        boolean captureGradients = strategyLogsAfter(step + 1, lastOfEpoch) && callbackHandler.anyNeedsGradients();
        StepOutcome outcome = null;
        for (int micro = 0; micro < microSteps; micro++) {
            Batch batch;
            try {
                batch = hooks.prepareBatch(window.get(micro), true);
            }
            catch (DataException e) {
                throw new DataException("the train dataset, epoch " + epoch + ", batch " + (windowStart + micro)
                        + " of the epoch (both 0-based), global step " + (step + 1) + ": " + e.getMessage(), e);
            }
            countTokens(batch);
            StepContext stepContext = new StepContext(step, micro, microSteps, learningRate, args.seed(),
                    captureGradients && micro == microSteps - 1);
            if (micro < microSteps - 1) {
                engine.accumulate(batch, stepContext);
                callbackHandler.onSubstepEnd(state, control);
            }
            else {
                if (startupPending) {
                    StartupTimeline.process().mark("first batch");
                }
                outcome = engine.step(batch, stepContext);
            }
        }
        if (!Objects.requireNonNull(outcome, "engine returned no step outcome").finite()) {
            if (args.nonFinitePolicy() == NonFinitePolicy.STOP) {
                long oneBased = step + 1;
                throw new NonFiniteLossException("non-finite loss or gradient (NaN or infinity) at global step " + oneBased
                        + " (1-based, as HF counts; StepContext.globalStep " + step + "), epoch " + epoch + ", batches "
                        + windowStart + ".." + (windowStart + microSteps - 1) + " of the epoch: the update was not applied, "
                        + "so weights and optimizer state are unchanged (those after step " + step + "). "
                        + "Set non-finite-policy = skip to skip such steps, or lower learning-rate", oneBased, epoch);
            }
            state.setNumNonFiniteSteps(state.numNonFiniteSteps() + 1);
            if (!args.loggingNanInfFilter()) {
                // HF without logging_nan_inf_filter: the non-finite loss goes into the logged and total losses
                progress.losses.absorb(engine.readTrainingLoss());
                progress.losses.addNonFiniteStep();
            }
            LOG.warn("skipped global step {} (1-based) of epoch {}: non-finite loss or gradient", step + 1, epoch);
        }
        callbackHandler.onPreOptimizerStep(state, control);
        callbackHandler.onOptimizerStep(state, control);
        progress.lastLearningRate = learningRate;
        if (startupPending) {
            startupPending = false;
            StartupTimeline.process().finish("first step").ifPresent(line -> LOG.info("start: {}", line));
        }
    }

    /**
     * Whether the logging strategy logs after global step {@code step} (1-based), decided before the step runs so the
     * step can copy its gradients for {@link Callback#needsGradients()}: what {@link DefaultFlowCallback} asks at the
     * step's end, or with {@code logging-strategy = epoch} the last window of an epoch of known size or the last step
     * of the run. A log that another callback asks for at another step gets no gradients.
     */
    private boolean strategyLogsAfter(long step, boolean lastOfEpoch) {
        TrainerState state = context.state();
        return DefaultFlowCallback.logsAtStepEnd(args, state.loggingSteps(), step)
                || (args.loggingStrategy() == IntervalStrategy.EPOCH && (lastOfEpoch || step >= state.maxSteps()));
    }

    private void countTokens(Batch batch) {
        String mode = args.includeNumInputTokensSeen();
        if (mode.equals("no") && !args.includeTokensPerSecond()) {
            return;
        }
        long tokens = InputTokens.count(batch, hooks.labelNames(), mode.equals("non_padding"));
        runTokens += tokens;
        if (!mode.equals("no")) {
            TrainerState state = context.state();
            state.setNumInputTokensSeen(state.numInputTokensSeen() + tokens);
        }
    }

    private void maybeLogSaveEvaluate() {
        TrainerState state = context.state();
        TrainerControl control = context.control();
        LossTracker losses = progress.losses;
        if (control.shouldLog() && state.globalStep() > losses.globalStepLastLogged()) {
            losses.absorb(engine.readTrainingLoss());
            boolean anySteps = losses.windowSteps() > 0;
            double mean = losses.takeWindowMean(state.globalStep());
            Map<String, Double> logs = new LinkedHashMap<>();
            if (anySteps) {
                logs.put("loss", mean);
            }
            if (!Double.isNaN(losses.lastGradNorm())) {
                logs.put("grad_norm", losses.lastGradNorm());
            }
            logs.put("learning_rate", progress.lastLearningRate);
            putTrainMetrics(logs);
            hooks.log(logs);
        }
        if (control.shouldEvaluate()) {
            Map<String, Double> metrics = hooks.evaluateAll();
            boolean newBest = checkpoints.determineBestMetric(metrics);
            if (args.saveStrategy() == SaveStrategy.BEST) {
                control.setShouldSave(newBest);
            }
        }
        if (control.shouldSave() && args.fastDevRun() > 0) {
            control.setShouldSave(false);
        }
        if (control.shouldSave()) {
            checkpoints.saveCheckpoint(true);
            context.callbacks().onSave(state, control);
        }
    }

    /**
     * {@code include-train-metrics}: adds {@code train_<metric>} for the run's metrics computed on the micro-batches
     * of the optimizer step just taken (the logging step's window only, not an average since the last log). The
     * predictions come from an evaluation-mode forward pass ({@link TrainingEngine#evaluate}: no dropout) with the
     * weights AFTER that step's update, on batches already on the host, so no data is loaded twice. The shared
     * {@link Metric} instances are reset before and after, so evaluation state is never mixed in; a
     * {@code compute-metrics} function is called once on the window's concatenated predictions.
     */
    private void putTrainMetrics(Map<String, Double> logs) {
        List<Metric> metrics = context.spec().metrics();
        Optional<ComputeMetrics> computeMetrics = context.spec().computeMetrics();
        if (!args.includeTrainMetrics() || trainMetricsWindow == null || (metrics.isEmpty() && computeMetrics.isEmpty())) {
            return;
        }
        metrics.forEach(Metric::reset);
        Map<String, List<HostTensor>> predictionParts = new LinkedHashMap<>();
        Map<String, List<HostTensor>> labelParts = new LinkedHashMap<>();
        for (Batch raw : trainMetricsWindow) {
            Batch batch = hooks.prepareBatch(raw, false);
            EvalBatchOutput output = engine.evaluate(batch, true);
            Map<String, HostTensor> labels = new LinkedHashMap<>();
            for (String label : hooks.labelNames()) {
                batch.find(label).ifPresent(tensor -> labels.put(label, tensor));
            }
            EvalPrediction prediction = new EvalPrediction(output.predictions(), labels);
            for (Metric metric : metrics) {
                metric.update(prediction);
            }
            if (computeMetrics.isPresent()) {
                output.predictions().forEach((name, tensor) -> predictionParts.computeIfAbsent(name, n -> new ArrayList<>()).add(tensor));
                labels.forEach((name, tensor) -> labelParts.computeIfAbsent(name, n -> new ArrayList<>()).add(tensor));
            }
        }
        if (computeMetrics.isPresent() && !predictionParts.isEmpty()) {
            EvaluationLoop.putPrefixed(logs, "train", computeMetrics.get().compute(
                    new EvalPrediction(EvaluationLoop.concatenateAll(predictionParts), EvaluationLoop.concatenateAll(labelParts))));
        }
        for (Metric metric : metrics) {
            EvaluationLoop.putPrefixed(logs, "train", metric.compute());
        }
        metrics.forEach(Metric::reset);
    }

    private void logEpochLoss() {
        LossTracker losses = progress.losses;
        losses.absorb(engine.readTrainingLoss());
        if (losses.epochSteps() > 0) {
            hooks.log(Map.of("train_epoch_loss", losses.takeEpochMean()));
        }
        else {
            losses.takeEpochMean();
        }
    }

    /**
     * The line a resume logs when the checkpoint's device map ({@code device_map} of its trainer state) is not the
     * run's, or empty when they are equal.
     */
    static Optional<String> deviceMapChange(Path checkpoint, Map<String, String> saved, Map<String, String> current) {
        if (saved.equals(current)) {
            return Optional.empty();
        }
        return Optional.of("checkpoint " + checkpoint + " was written with the device map "
                + (saved.isEmpty() ? "{} (not model parallel)" : saved) + "; this run places the model by "
                + (current.isEmpty() ? "{} (not model parallel)" : current)
                + ": the weights are restored by name onto this run's devices");
    }
}
