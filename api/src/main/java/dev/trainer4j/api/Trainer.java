package dev.trainer4j.api;

import dev.trainer4j.data.ExampleLengths;
import dev.trainer4j.data.LengthGroupedSampler;
import dev.trainer4j.data.MapDataLoader;
import dev.trainer4j.data.PrefetchSettings;
import dev.trainer4j.data.RandomSampler;
import dev.trainer4j.data.Sampler;
import dev.trainer4j.data.SequentialSampler;
import dev.trainer4j.data.StreamingDataLoader;
import dev.trainer4j.loop.CallbackHandler;
import dev.trainer4j.loop.CheckpointWriter;
import dev.trainer4j.loop.Checkpoints;
import dev.trainer4j.loop.DefaultFlowCallback;
import dev.trainer4j.loop.HostTensors;
import dev.trainer4j.loop.InterruptSaver;
import dev.trainer4j.loop.LossTracker;
import dev.trainer4j.loop.StatefulCallbacks;
import dev.trainer4j.loop.TrainingInterruptedException;
import dev.trainer4j.schedule.LearningRateSchedules;
import dev.trainer4j.spi.Backend;
import dev.trainer4j.spi.BackendCapability;
import dev.trainer4j.spi.CheckpointScope;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.EvalBatchOutput;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.spi.StepOutcome;
import dev.trainer4j.spi.TrainingEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Runs training, evaluation and prediction for a {@link TrainerSpec} on a {@link Backend}, like HF's
 * {@code Trainer}. The loop itself is backend-agnostic; backends provide compiled steps.
 *
 * <p>Lifecycle and defined behaviour:
 * <ul>
 *   <li>The engine (the compiled model) is built lazily on first use and closed by {@link #close()}.</li>
 *   <li>{@link #evaluate()} before {@link #train()} evaluates the freshly initialised model (seeded by
 *       {@code seed}); a later {@code train()} starts from those same weights.</li>
 *   <li>A second {@code train()} starts a new run: a fresh {@link TrainerState} and fresh optimizer state. With a
 *       model factory (HF's {@code model_init}) it also builds a fresh model; with a ready model it continues from
 *       the current weights, as HF does.</li>
 *   <li>Modes the backend lacks ({@code bf16}, {@code fp16}, {@code devices > 1}) are refused at construction
 *       with one clear message.</li>
 * </ul>
 *
 * <p>The training loop follows HF's {@code _inner_training_loop} event order (hf-trainer.md §3.6). Besides HF's
 * per-step log entries it appends one {@code {train_epoch_loss, epoch, step}} entry at the end of every epoch
 * (before {@code onEpochEnd}). Checkpoints are written atomically to {@code output-dir/checkpoint-<step>/} and a
 * resume continues at the stored data position without replaying earlier batches.
 *
 * <p>Subclasses may override the {@code protected} hooks, as HF's tutorial does.
 */
public class Trainer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);
    private static final String LATEST = "latest";

    private final TrainerSpec spec;
    private final Backend backend;
    private final TrainingArguments args;
    private final CallbackHandler callbackHandler;
    private Model model;
    private List<String> labelNames;
    private TrainingEngine engine;
    private boolean engineTrained;
    private TrainerState state = new TrainerState();
    private TrainerControl control = new TrainerControl();
    private LearningRateSchedule schedule;
    private LossTracker losses = new LossTracker();
    private double lastLearningRate = Double.NaN;
    private int dataEpoch;
    private long dataBatch;
    private CheckpointWriter checkpointWriter;
    private InterruptSaver interruptSaver;
    private long lastSavedStep = -1;
    private Path lastSavedCheckpoint;
    /** The micro-batches of the latest optimizer step, kept (not copied) only with {@code include-train-metrics}. */
    private List<Batch> trainMetricsWindow;

    public Trainer(TrainerSpec spec, Backend backend) {
        this.spec = requireNonNull(spec, "spec is null");
        this.backend = requireNonNull(backend, "backend is null");
        this.args = spec.args();
        checkCapabilities(args, backend);
        if (args.evalStrategy() != IntervalStrategy.NO && spec.evalDatasets().isEmpty()) {
            throw new InvalidArgumentException("eval-strategy", "eval-strategy = " + args.evalStrategy().configName()
                    + " needs an eval dataset; add one to the trainer spec or set eval-strategy = no");
        }
        if (spec.trainDataset().orElse(null) instanceof StreamingDataset stream && stream.knownSize().isEmpty()
                && args.maxSteps() <= 0) {
            throw new InvalidArgumentException("max-steps", args.maxSteps(),
                    "an integer > 0: the train dataset is a stream of unknown size, so the run length must be given in steps");
        }
        this.model = spec.model().isPresent() ? spec.model().get() : spec.modelFactory().orElseThrow().get();
        this.labelNames = resolveLabelNames(model);
        List<Callback> callbacks = new ArrayList<>();
        callbacks.add(new DefaultFlowCallback());
        callbacks.addAll(spec.callbacks());
        this.callbackHandler = new CallbackHandler(args, callbacks);
        callbackHandler.onInitEnd(state, control);
    }

    private static void checkCapabilities(TrainingArguments args, Backend backend) {
        Set<BackendCapability> capabilities = backend.capabilities();
        if (args.bf16() && !capabilities.contains(BackendCapability.MIXED_PRECISION_BF16)) {
            throw new InvalidArgumentException("bf16", "bf16 = true is not supported by backend '" + backend.name()
                    + "': it lacks bf16 mixed precision; set bf16 = false or use a backend that has it");
        }
        if (args.fp16() && !capabilities.contains(BackendCapability.MIXED_PRECISION_FP16)) {
            throw new InvalidArgumentException("fp16", "fp16 = true is not supported by backend '" + backend.name()
                    + "': it lacks fp16 mixed precision; set fp16 = false or use a backend that has it");
        }
        if (args.devices() > 1 && !capabilities.contains(BackendCapability.MULTI_DEVICE)) {
            throw new InvalidArgumentException("devices", "devices = " + args.devices() + " is not supported by backend '"
                    + backend.name() + "': it lacks multi-device training; set devices = 1 or use a backend that has it");
        }
    }

    private List<String> resolveLabelNames(Model current) {
        return args.labelNames().orElseGet(current::labelNames);
    }

    public TrainingArguments args() {
        return args;
    }

    public TrainerSpec spec() {
        return spec;
    }

    public Backend backend() {
        return backend;
    }

    /** The model of the current run (a fresh one per {@code train()} with a model factory). */
    public Model model() {
        return model;
    }

    /** The batch keys treated as labels: {@code label-names}, or the model's label inputs. */
    public List<String> labelNames() {
        return labelNames;
    }

    /** Trains from scratch (or from {@code args.resume-from-checkpoint} when set). */
    public TrainOutput train() {
        return train(args.resumeFromCheckpoint().orElse(null));
    }

    /**
     * Trains, resuming from a checkpoint folder or {@code "latest"} (the newest valid checkpoint in output-dir).
     * {@code null} trains from scratch.
     */
    public TrainOutput train(String resumeFromCheckpoint) {
        try {
            return runTraining(resumeFromCheckpoint);
        }
        finally {
            if (interruptSaver != null) {
                interruptSaver.close();
                interruptSaver = null;
            }
        }
    }

    private TrainOutput runTraining(String resumeFromCheckpoint) {
        Dataset trainDataset = spec.trainDataset().orElseThrow(() ->
                new IllegalStateException("train() needs a train dataset; give one in the trainer spec"));
        requireNonNull(trainDataset, "trainDataset is null");
        if (!backend.capabilities().contains(BackendCapability.TRAINING)) {
            throw new IllegalStateException("backend '" + backend.name() + "' cannot train (it lacks " + BackendCapability.TRAINING + ")");
        }
        Path outputDir = Path.of(args.outputDir());
        Optional<Path> checkpoint = resolveCheckpoint(resumeFromCheckpoint, outputDir);
        if (checkpoint.isEmpty()) {
            refuseOrClearPreviousRun(outputDir);
        }

        DataLoader loader = getTrainDataLoader();
        int accumulation = args.gradientAccumulationSteps();
        OptionalLong batchesPerEpoch = loader.batchesPerEpoch();
        long updatesPerEpoch;
        long maxSteps;
        long numTrainEpochs;
        if (batchesPerEpoch.isPresent()) {
            long batches = batchesPerEpoch.getAsLong();
            if (batches == 0) {
                throw new IllegalArgumentException("the train dataset gives no batch per epoch (examples: "
                        + loader.numExamples().orElse(-1) + ", per-device-train-batch-size: " + args.perDeviceTrainBatchSize()
                        + ", dataloader-drop-last: " + args.dataloaderDropLast() + ")");
            }
            updatesPerEpoch = Math.max(1, (batches + accumulation - 1) / accumulation);
            if (args.maxSteps() > 0) {
                maxSteps = args.maxSteps();
                numTrainEpochs = maxSteps / updatesPerEpoch + (maxSteps % updatesPerEpoch > 0 ? 1 : 0);
            }
            else {
                maxSteps = (long) Math.ceil(args.numTrainEpochs() * updatesPerEpoch);
                numTrainEpochs = (long) Math.ceil(args.numTrainEpochs());
            }
        }
        else {
            if (args.maxSteps() <= 0) {
                throw new InvalidArgumentException("max-steps", args.maxSteps(),
                        "an integer > 0: the train dataset is a stream of unknown size");
            }
            maxSteps = args.maxSteps();
            updatesPerEpoch = maxSteps;
            numTrainEpochs = Integer.MAX_VALUE;
        }
        long stepsInEpoch = batchesPerEpoch.orElse(maxSteps * accumulation);

        prepareEngineForRun(maxSteps);
        state = new TrainerState();
        control = new TrainerControl();
        schedule = createScheduler(maxSteps);
        losses = new LossTracker();
        lastLearningRate = Double.NaN;
        dataEpoch = 0;
        dataBatch = 0;
        lastSavedStep = -1;
        lastSavedCheckpoint = null;
        trainMetricsWindow = null;
        if (checkpoint.isPresent()) {
            restoreCheckpoint(checkpoint.get());
        }
        state.setMaxSteps(maxSteps);
        state.setNumTrainEpochs(numTrainEpochs);
        state.setTrainBatchSize(args.trainBatchSize());
        state.setLoggingSteps(TrainingArguments.resolveSteps(args.loggingSteps(), maxSteps));
        state.setEvalSteps(TrainingArguments.resolveSteps(args.evalSteps(), maxSteps));
        state.setSaveSteps(TrainingArguments.resolveSteps(args.saveSteps(), maxSteps));

        if (args.saveOnInterrupt()) {
            interruptSaver = InterruptSaver.install();
        }
        long startNanos = System.nanoTime();
        int startEpoch = dataEpoch;
        long startBatch = dataBatch;
        callbackHandler.onTrainBegin(state, control);
        if (args.evalOnStart()) {
            evaluateAll();
        }
        for (int epoch = startEpoch; epoch < numTrainEpochs; epoch++) {
            long firstBatch = epoch == startEpoch ? startBatch : 0;
            dataEpoch = epoch;
            dataBatch = firstBatch;
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
                    long windowStart = dataBatch;
                    runWindow(window, epoch, windowStart);
                    trainMetricsWindow = args.includeTrainMetrics() ? window : null;
                    dataBatch = windowStart + window.size();
                    state.setGlobalStep(state.globalStep() + 1);
                    state.setEpoch(epoch + (double) dataBatch / stepsInEpoch);
                    callbackHandler.onStepEnd(state, control);
                    maybeLogSaveEvaluate();
                    saveAndStopIfInterrupted();
                }
            }
            if (windows == 0 && firstBatch == 0) {
                throw new IllegalStateException("the train dataset gave no batch in epoch " + epoch);
            }
            dataEpoch = epoch + 1;
            dataBatch = 0;
            logEpochLoss();
            callbackHandler.onEpochEnd(state, control);
            maybeLogSaveEvaluate();
            saveAndStopIfInterrupted();
            if (control.shouldTrainingStop()) {
                break;
            }
        }

        losses.absorb(engine.readTrainingLoss());
        if (args.loadBestModelAtEnd() && state.bestModelCheckpoint() != null) {
            loadBestModel();
        }
        double trainLoss = losses.totalMean();
        double runtime = (System.nanoTime() - startNanos) / 1e9;
        double samples = batchesPerEpoch.isPresent() && args.maxSteps() <= 0
                ? loader.numExamples().orElse(0) * args.numTrainEpochs()
                : (double) maxSteps * args.trainBatchSize() * accumulation;
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("train_runtime", runtime);
        metrics.put("train_samples_per_second", samples / Math.max(runtime, 1e-9));
        metrics.put("train_steps_per_second", maxSteps / Math.max(runtime, 1e-9));
        metrics.put("train_loss", trainLoss);
        log(metrics);
        if (args.saveTotalLimit().orElse(0) == 1 && state.bestModelCheckpoint() != null) {
            // HF: at the end, save-total-limit = 1 keeps only the best checkpoint
            checkpointWriter().deleteAllExcept(outputDir, Path.of(state.bestModelCheckpoint()).getFileName().toString(),
                    "save-total-limit = 1 keeps only the best checkpoint at the end of training");
        }
        metrics.put("epoch", state.epoch());
        callbackHandler.onTrainEnd(state, control);
        return new TrainOutput(state.globalStep(), trainLoss, metrics);
    }

    private Optional<Path> resolveCheckpoint(String resume, Path outputDir) {
        if (resume == null || resume.isBlank()) {
            return Optional.empty();
        }
        if (resume.equals(LATEST)) {
            Checkpoints.Latest latest = Checkpoints.findLatest(outputDir);
            latest.skipped().forEach((skipped, problem) ->
                    LOG.warn("resume-from-checkpoint = latest: skipping {}: {}", skipped, problem));
            Path found = latest.checkpoint().orElseThrow(() -> new InvalidArgumentException("resume-from-checkpoint",
                    "resume-from-checkpoint = latest, but output-dir '" + outputDir + "' holds no intact checkpoint-<step> folder"
                    + (latest.skipped().isEmpty() ? "" : "; skipped: " + describeSkipped(latest.skipped()))));
            LOG.info("resume-from-checkpoint = latest: {}", found);
            return Optional.of(found);
        }
        Path path = Path.of(resume);
        if (!Files.isDirectory(path)) {
            throw new InvalidArgumentException("resume-from-checkpoint", resume, "an existing checkpoint folder, or 'latest'");
        }
        Optional<String> problem = Checkpoints.verify(path);
        if (problem.isPresent()) {
            throw new InvalidArgumentException("resume-from-checkpoint", "resume-from-checkpoint: checkpoint " + path
                    + " is damaged and is not resumed: " + problem.get()
                    + "; resume from an earlier checkpoint, or use 'latest' to take the newest intact one");
        }
        return Optional.of(path);
    }

    private static String describeSkipped(Map<Path, String> skipped) {
        List<String> parts = new ArrayList<>();
        skipped.forEach((path, problem) -> parts.add(path.getFileName() + " (" + problem + ")"));
        return String.join(", ", parts);
    }

    /**
     * Refuses an output-dir that holds another run (checkpoints or a {@code trainer_state.json}) unless
     * {@code overwrite-output-dir}, which removes the old checkpoints so that {@code latest} cannot pick them later.
     */
    private void refuseOrClearPreviousRun(Path outputDir) {
        List<String> previous = new ArrayList<>();
        Checkpoints.list(outputDir).forEach(path -> previous.add(path.getFileName().toString()));
        if (Files.isRegularFile(outputDir.resolve(Checkpoints.TRAINER_STATE))) {
            previous.add(Checkpoints.TRAINER_STATE);
        }
        if (previous.isEmpty()) {
            return;
        }
        if (!args.overwriteOutputDir()) {
            throw new InvalidArgumentException("output-dir", "output-dir '" + outputDir + "' already holds another run "
                    + previous + "; set overwrite-output-dir = true to train anew into it (its checkpoint-* folders are "
                    + "removed), or resume that run with resume-from-checkpoint = latest (train(\"latest\"))");
        }
        LOG.info("overwrite-output-dir = true: removing the previous run's checkpoints {} from {}", previous, outputDir);
        checkpointWriter().removeAll(outputDir);
    }

    /** The writer of checkpoint folders (override to inject faults in tests); created once per trainer. */
    protected CheckpointWriter createCheckpointWriter() {
        return CheckpointWriter.fromSystemProperties();
    }

    private CheckpointWriter checkpointWriter() {
        if (checkpointWriter == null) {
            checkpointWriter = requireNonNull(createCheckpointWriter(), "createCheckpointWriter() returned null");
        }
        return checkpointWriter;
    }

    /** {@code save-on-interrupt}: at a step boundary after a termination request, saves (once) and stops. */
    private void saveAndStopIfInterrupted() {
        if (interruptSaver == null || !interruptSaver.requested()) {
            return;
        }
        Path saved;
        try {
            if (lastSavedStep == state.globalStep()) {
                saved = lastSavedCheckpoint;
            }
            else {
                // no engine read here: an extra read would regroup the loss sums and break bit-exact resumption
                saved = saveCheckpoint(false);
                callbackHandler.onSave(state, control);
            }
        }
        finally {
            interruptSaver.finished();
        }
        LOG.warn("{}: saved {} at global step {}; training stops", interruptSaver.reason(), saved, state.globalStep());
        throw new TrainingInterruptedException("training stopped by " + interruptSaver.reason() + " at global step "
                + state.globalStep() + " after saving " + saved + "; resume with train(\"latest\")", saved);
    }

    private void loadBestModel() {
        Path best = Path.of(state.bestModelCheckpoint());
        if (!Files.isDirectory(best)) {
            LOG.warn("load-best-model-at-end: the best checkpoint {} does not exist; the model keeps the last step's weights", best);
            return;
        }
        Optional<String> problem = Checkpoints.verify(best);
        if (problem.isPresent()) {
            throw new IllegalStateException("load-best-model-at-end: the best checkpoint " + best + " is damaged: "
                    + problem.get() + "; the model keeps the last step's weights");
        }
        engine.restore(best.resolve(Checkpoints.ENGINE_DIR), CheckpointScope.MODEL);
        LOG.info("load-best-model-at-end: loaded the model weights of {} ({} = {} at global step {})", best,
                bestMetricKey(), state.bestMetric(), state.bestGlobalStep());
    }

    private void prepareEngineForRun(long totalSteps) {
        if (engine == null) {
            engine = compile(totalSteps);
        }
        else if (engineTrained) {
            if (spec.modelFactory().isPresent()) {
                engine.close();
                engine = null;
                model = spec.modelFactory().get().get();
                labelNames = resolveLabelNames(model);
                engine = compile(totalSteps);
            }
            else {
                engine.resetOptimizer();
            }
        }
        engineTrained = true;
    }

    private TrainingEngine compile(long totalSteps) {
        return requireNonNull(backend.compile(model, args, new EngineOptions(labelNames, totalSteps)),
                () -> "backend '" + backend.name() + "' returned no engine");
    }

    private TrainingEngine engine() {
        if (engine == null) {
            engine = compile(-1);
        }
        return engine;
    }

    private void runWindow(List<Batch> window, int epoch, long windowStart) {
        long step = state.globalStep();
        double learningRate = schedule.learningRate(step);
        int microSteps = window.size();
        callbackHandler.onStepBegin(state, control);
        StepOutcome outcome = null;
        for (int micro = 0; micro < microSteps; micro++) {
            Batch batch = prepareBatch(window.get(micro), true);
            StepContext context = new StepContext(step, micro, microSteps, learningRate, args.seed());
            if (micro < microSteps - 1) {
                engine.accumulate(batch, context);
                callbackHandler.onSubstepEnd(state, control);
            }
            else {
                outcome = engine.step(batch, context);
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
            LOG.warn("skipped global step {} (1-based) of epoch {}: non-finite loss or gradient", step + 1, epoch);
        }
        callbackHandler.onPreOptimizerStep(state, control);
        callbackHandler.onOptimizerStep(state, control);
        lastLearningRate = learningRate;
    }

    /**
     * Checks a batch against the model's declared inputs and applies {@code remove-unused-columns}: undeclared
     * columns (that are not label names) are dropped when it is on. A declared feature missing from the batch is an
     * error; labels may be missing only outside training.
     */
    protected Batch prepareBatch(Batch batch, boolean training) {
        Set<String> labels = new LinkedHashSet<>(labelNames);
        Set<String> keep = new LinkedHashSet<>();
        List<String> missing = new ArrayList<>();
        for (InputSpec input : model.inputs()) {
            keep.add(input.name());
            boolean isLabel = input.label() || labels.contains(input.name());
            if (!batch.contains(input.name()) && (!isLabel || training)) {
                missing.add(input.name());
            }
        }
        if (training) {
            for (String label : labels) {
                if (!batch.contains(label) && !missing.contains(label)) {
                    missing.add(label);
                }
            }
        }
        if (!missing.isEmpty()) {
            throw new IllegalArgumentException("batch lacks " + missing + " that model '" + model.name() + "' needs"
                    + (training ? " for training" : "") + "; present: " + batch.names() + "; missing: " + missing);
        }
        keep.addAll(labels);
        if (!args.removeUnusedColumns() || keep.containsAll(batch.names())) {
            return batch;
        }
        return batch.select(keep);
    }

    private void maybeLogSaveEvaluate() {
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
            logs.put("learning_rate", lastLearningRate);
            putTrainMetrics(logs);
            log(logs);
        }
        if (control.shouldEvaluate()) {
            Map<String, Double> metrics = evaluateAll();
            boolean newBest = determineBestMetric(metrics);
            if (args.saveStrategy() == SaveStrategy.BEST) {
                control.setShouldSave(newBest);
            }
        }
        if (control.shouldSave()) {
            saveCheckpoint(true);
            callbackHandler.onSave(state, control);
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
        List<Metric> metrics = spec.metrics();
        Optional<ComputeMetrics> computeMetrics = spec.computeMetrics();
        if (!args.includeTrainMetrics() || trainMetricsWindow == null || (metrics.isEmpty() && computeMetrics.isEmpty())) {
            return;
        }
        metrics.forEach(Metric::reset);
        Map<String, List<HostTensor>> predictionParts = new LinkedHashMap<>();
        Map<String, List<HostTensor>> labelParts = new LinkedHashMap<>();
        for (Batch raw : trainMetricsWindow) {
            Batch batch = prepareBatch(raw, false);
            EvalBatchOutput output = engine.evaluate(batch, true);
            Map<String, HostTensor> labels = new LinkedHashMap<>();
            for (String label : labelNames) {
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
            putPrefixed(logs, "train", computeMetrics.get().compute(
                    new EvalPrediction(concatenateAll(predictionParts), concatenateAll(labelParts))));
        }
        for (Metric metric : metrics) {
            putPrefixed(logs, "train", metric.compute());
        }
        metrics.forEach(Metric::reset);
    }

    private void logEpochLoss() {
        losses.absorb(engine.readTrainingLoss());
        if (losses.epochSteps() > 0) {
            log(Map.of("train_epoch_loss", losses.takeEpochMean()));
        }
        else {
            losses.takeEpochMean();
        }
    }

    private String bestMetricKey() {
        String name = args.metricForBestModel().orElseThrow();
        return name.startsWith("eval_") ? name : "eval_" + name;
    }

    /** HF's {@code _determine_best_metric}; also steps the schedule (reduce-on-plateau) with the metric. */
    private boolean determineBestMetric(Map<String, Double> metrics) {
        if (args.metricForBestModel().isEmpty()) {
            return false;
        }
        String key = bestMetricKey();
        Double value = metrics.get(key);
        if (value == null) {
            throw new InvalidArgumentException("metric-for-best-model", "metric-for-best-model = "
                    + args.metricForBestModel().get() + " looks for '" + key + "', which the evaluation did not produce; present: "
                    + metrics.keySet());
        }
        schedule.onEvaluate(value);
        boolean greater = args.greaterIsBetter();
        Double best = state.bestMetric();
        boolean better = best == null || (greater ? value > best : value < best);
        if (better) {
            state.setBestMetric(value);
            state.setBestGlobalStep(state.globalStep());
        }
        return better;
    }

    private Path saveCheckpoint(boolean readTrainingLoss) {
        if (readTrainingLoss) {
            losses.absorb(engine.readTrainingLoss());
        }
        Path outputDir = Path.of(args.outputDir());
        long step = state.globalStep();
        if (state.bestGlobalStep() != null) {
            Path best = outputDir.resolve(Checkpoints.name(state.bestGlobalStep()));
            if (state.bestGlobalStep() == step || Files.isDirectory(best)) {
                state.setBestModelCheckpoint(best.toString());
            }
        }
        state.statefulCallbacks().clear();
        state.statefulCallbacks().putAll(StatefulCallbacks.export(callbackHandler.callbacks()));
        CheckpointScope scope = args.saveOnlyModel() ? CheckpointScope.MODEL : CheckpointScope.FULL;
        Path saved = checkpointWriter().write(outputDir, step, folder -> {
            Path engineDir = Files.createDirectory(folder.resolve(Checkpoints.ENGINE_DIR));
            engine.save(engineDir, scope);
            state.saveToJson(folder.resolve(Checkpoints.TRAINER_STATE));
            Checkpoints.writeJson(folder.resolve(Checkpoints.LOOP_STATE), loopState(scope));
        });
        lastSavedStep = step;
        lastSavedCheckpoint = saved;
        if (args.saveTotalLimit().isPresent()) {
            Optional<String> best = Optional.ofNullable(state.bestModelCheckpoint()).map(path -> Path.of(path).getFileName().toString());
            checkpointWriter().rotate(outputDir, args.saveTotalLimit().getAsInt(), best);
        }
        return saved;
    }

    private Map<String, Object> loopState(CheckpointScope scope) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("epoch", dataEpoch);
        data.put("batch_in_epoch", dataBatch);
        data.put("data_seed", args.dataSeed());
        Map<String, Object> content = new LinkedHashMap<>();
        content.put("format_version", 1);
        content.put("global_step", state.globalStep());
        content.put("world_size", 1);
        content.put("checkpoint_scope", scope.name());
        content.put("data_position", data);
        Map<String, Object> rng = new LinkedHashMap<>();
        rng.put("seed", args.seed());
        rng.put("data_seed", args.dataSeed());
        rng.put("sampler", "data order of epoch e is a permutation seeded by (data_seed, e); engine RNG state is under engine/");
        content.put("rng", rng);
        content.put("loss_accumulators", losses.exportState());
        content.put("last_learning_rate", Double.isNaN(lastLearningRate) ? null : lastLearningRate);
        content.put("scheduler", schedule.exportState());
        content.put("args", args.toMap());
        return content;
    }

    @SuppressWarnings("unchecked")
    private void restoreCheckpoint(Path checkpoint) {
        Map<String, Object> loop = Checkpoints.readJson(checkpoint.resolve(Checkpoints.LOOP_STATE));
        if (!CheckpointScope.FULL.name().equals(loop.get("checkpoint_scope"))) {
            throw new InvalidArgumentException("resume-from-checkpoint", "checkpoint " + checkpoint
                    + " was saved with save-only-model = true: it holds only the model weights and cannot be resumed");
        }
        Object worldSize = loop.get("world_size");
        if (!(worldSize instanceof Number number) || number.intValue() != 1) {
            throw new IllegalArgumentException("checkpoint " + checkpoint + " was written with world size " + worldSize
                    + "; this trainer runs with world size 1");
        }
        engine.restore(checkpoint.resolve(Checkpoints.ENGINE_DIR), CheckpointScope.FULL);
        state = TrainerState.loadFromJson(checkpoint.resolve(Checkpoints.TRAINER_STATE));
        StatefulCallbacks.restore(callbackHandler.callbacks(), state.statefulCallbacks());
        losses = LossTracker.fromState((Map<String, Object>) loop.get("loss_accumulators"));
        Object scheduler = loop.get("scheduler");
        if (scheduler instanceof Map<?, ?> map) {
            schedule.importState((Map<String, Object>) map);
        }
        Object rate = loop.get("last_learning_rate");
        lastLearningRate = rate instanceof Number rateNumber ? rateNumber.doubleValue() : Double.NaN;
        Map<String, Object> position = (Map<String, Object>) loop.get("data_position");
        dataEpoch = ((Number) position.get("epoch")).intValue();
        dataBatch = ((Number) position.get("batch_in_epoch")).longValue();
        warnOnChangedArguments(checkpoint, loop.get("args"));
        long savedSeed = ((Number) position.get("data_seed")).longValue();
        if (savedSeed != args.dataSeed()) {
            LOG.warn("checkpoint {} was written with data-seed {} but this run uses {}: the resumed data order differs "
                    + "from the original run", checkpoint, savedSeed, args.dataSeed());
        }
        LOG.info("resuming from {} at global step {}, epoch {}, batch {} of the epoch", checkpoint, state.globalStep(),
                dataEpoch, dataBatch);
    }

    /** Warns when arguments that decide the data position or the update differ from the checkpoint's (current ones win, as in HF). */
    private void warnOnChangedArguments(Path checkpoint, Object saved) {
        if (!(saved instanceof Map<?, ?> savedArgs)) {
            return;
        }
        Map<String, Object> current = args.toMap();
        List<String> changed = new ArrayList<>();
        for (String key : List.of("per-device-train-batch-size", "gradient-accumulation-steps", "num-train-epochs",
                "max-steps", "seed", "data-seed", "train-sampling-strategy", "dataloader-drop-last", "optim",
                "learning-rate", "lr-scheduler-type")) {
            Object before = savedArgs.get(key);
            Object now = current.get(key);
            boolean same = before instanceof Number a && now instanceof Number b ? a.doubleValue() == b.doubleValue()
                    : Objects.equals(before == null ? null : before.toString(), now == null ? null : now.toString());
            if (!same) {
                changed.add(key + ": " + before + " -> " + now);
            }
        }
        if (!changed.isEmpty()) {
            LOG.warn("resuming {} with changed arguments {}: the run will not continue exactly as the original", checkpoint, changed);
        }
    }

    /** Evaluates every eval dataset of the spec; metrics are prefixed {@code eval_} or {@code eval_<name>_}. */
    public Map<String, Double> evaluate() {
        if (spec.evalDatasets().isEmpty()) {
            throw new IllegalStateException("evaluate() needs an eval dataset; give one in the trainer spec");
        }
        return evaluateAll();
    }

    private Map<String, Double> evaluateAll() {
        Map<String, Double> all = new LinkedHashMap<>();
        spec.evalDatasets().forEach((name, dataset) ->
                all.putAll(evaluate(dataset, name.equals(TrainerSpec.DEFAULT_EVAL_NAME) ? "eval" : "eval_" + name)));
        return all;
    }

    /** Evaluates one dataset with the given key prefix (HF's {@code metric_key_prefix}, e.g. {@code eval}). */
    public Map<String, Double> evaluate(Dataset dataset, String metricKeyPrefix) {
        requireNonNull(dataset, "dataset is null");
        requireNonNull(metricKeyPrefix, "metricKeyPrefix is null");
        EvalLoopResult result = evaluationLoop(getEvalDataLoader(dataset), metricKeyPrefix, false);
        log(result.metrics());
        callbackHandler.onEvaluate(state, control, result.metrics());
        return result.metrics();
    }

    /** Predicts a dataset: every output concatenated in order, labels when present, {@code test_} metrics. */
    public PredictionOutput predict(Dataset dataset) {
        requireNonNull(dataset, "dataset is null");
        EvalLoopResult result = evaluationLoop(getTestDataLoader(dataset), "test", true);
        callbackHandler.onPredict(state, control, result.metrics());
        return new PredictionOutput(result.predictions(), result.labelIds(), result.metrics());
    }

    private record EvalLoopResult(Map<String, Double> metrics, Map<String, HostTensor> predictions, Optional<HostTensor> labelIds) {
    }

    private EvalLoopResult evaluationLoop(DataLoader loader, String prefix, boolean keepPredictions) {
        TrainingEngine current = engine();
        long start = System.nanoTime();
        List<Metric> metrics = spec.metrics();
        metrics.forEach(Metric::reset);
        Optional<ComputeMetrics> computeMetrics = spec.computeMetrics();
        boolean keep = keepPredictions || computeMetrics.isPresent();
        boolean needPredictions = keep || !metrics.isEmpty();
        double lossSum = 0;
        double itemCount = 0;
        boolean anyLoss = false;
        long batchCount = 0;
        long sampleCount = 0;
        Map<String, List<HostTensor>> predictionParts = new LinkedHashMap<>();
        Map<String, List<HostTensor>> labelParts = new LinkedHashMap<>();
        try (BatchIterator batches = loader.iterator(0, 0)) {
            while (batches.hasNext()) {
                Batch batch = prepareBatch(batches.next(), false);
                EvalBatchOutput output = current.evaluate(batch, needPredictions);
                if (output.hasLoss()) {
                    lossSum += output.lossSum();
                    itemCount += output.itemCount();
                    anyLoss = true;
                }
                Map<String, HostTensor> labels = new LinkedHashMap<>();
                for (String label : labelNames) {
                    batch.find(label).ifPresent(tensor -> labels.put(label, tensor));
                }
                if (needPredictions) {
                    EvalPrediction prediction = new EvalPrediction(output.predictions(), labels);
                    for (Metric metric : metrics) {
                        metric.update(prediction);
                    }
                    if (keep) {
                        output.predictions().forEach((name, tensor) -> predictionParts.computeIfAbsent(name, n -> new ArrayList<>()).add(tensor));
                        labels.forEach((name, tensor) -> labelParts.computeIfAbsent(name, n -> new ArrayList<>()).add(tensor));
                    }
                }
                batchCount++;
                sampleCount += batch.size();
                callbackHandler.onPredictionStep(state, control);
            }
        }
        Map<String, HostTensor> predictions = concatenateAll(predictionParts);
        Map<String, HostTensor> labels = concatenateAll(labelParts);
        Map<String, Double> result = new LinkedHashMap<>();
        if (anyLoss && itemCount > 0) {
            result.put(prefix + "_loss", lossSum / itemCount);
        }
        if (computeMetrics.isPresent() && !predictions.isEmpty()) {
            putPrefixed(result, prefix, computeMetrics.get().compute(new EvalPrediction(predictions, labels)));
        }
        for (Metric metric : metrics) {
            putPrefixed(result, prefix, metric.compute());
        }
        double runtime = Math.max((System.nanoTime() - start) / 1e9, 1e-9);
        result.put(prefix + "_runtime", runtime);
        result.put(prefix + "_samples_per_second", sampleCount / runtime);
        result.put(prefix + "_steps_per_second", batchCount / runtime);
        Optional<HostTensor> labelIds = labels.containsKey("labels") ? Optional.of(labels.get("labels"))
                : labels.size() == 1 ? Optional.of(labels.values().iterator().next()) : Optional.empty();
        return new EvalLoopResult(result, predictions, labelIds);
    }

    private static Map<String, HostTensor> concatenateAll(Map<String, List<HostTensor>> parts) {
        Map<String, HostTensor> result = new LinkedHashMap<>();
        parts.forEach((name, list) -> result.put(name, HostTensors.concatenate(name, list)));
        return result;
    }

    private static void putPrefixed(Map<String, Double> target, String prefix, Map<String, Double> values) {
        values.forEach((key, value) -> target.put(key.startsWith(prefix + "_") ? key : prefix + "_" + key, value));
    }

    /** Exports the model for serving into {@code directory} (SavedModel for the TensorFlow backend). */
    public void saveModel(Path directory) {
        requireNonNull(directory, "directory is null");
        engine().exportModel(directory);
    }

    /**
     * Initialises the model's weights from another run, a checkpoint or a tensor bundle before training (the first
     * step towards fine-tuning pretrained models): names are mapped by {@code mapping} (prefix rewrites, skips), and
     * the report lists what was loaded, missing, unexpected and mismatched. Call it before {@link #train()}; with a
     * model factory a second {@code train()} builds a fresh model and needs it again.
     */
    public WeightMapping.Report initializeFrom(Path source, WeightMapping mapping) {
        requireNonNull(source, "source is null");
        requireNonNull(mapping, "mapping is null");
        WeightMapping.Report report = engine().initializeFrom(source, mapping);
        LOG.info("initialised {} variables from {} ({} missing, {} unexpected, {} mismatched)", report.loaded().size(),
                source, report.missing().size(), report.unexpected().size(), report.mismatched().size());
        return report;
    }

    /**
     * Loads the model weights of a checkpoint folder ({@code <checkpoint>/engine}, the {@link CheckpointScope#MODEL}
     * variables) for evaluation, prediction or export; compiles the engine first when needed. The optimizer state
     * and {@link #state()} are left as they are. The folder is verified against its manifest first.
     *
     * @throws IllegalArgumentException when the folder is missing or damaged; the message names it and the bad file
     */
    public void loadModel(Path checkpointDirectory) {
        requireNonNull(checkpointDirectory, "checkpointDirectory is null");
        Optional<String> problem = Checkpoints.verify(checkpointDirectory);
        if (problem.isPresent()) {
            throw new IllegalArgumentException("checkpoint " + checkpointDirectory + " cannot be loaded: " + problem.get());
        }
        engine().restore(checkpointDirectory.resolve(Checkpoints.ENGINE_DIR), CheckpointScope.MODEL);
        LOG.info("loaded the model weights of {}", checkpointDirectory);
    }

    /** The state of the current or last run. */
    public TrainerState state() {
        return state;
    }

    public void addCallback(Callback callback) {
        callbackHandler.add(callback);
    }

    public void removeCallback(Callback callback) {
        callbackHandler.remove(callback);
    }

    /** The callbacks in firing order, the built-in flow callback first. */
    public List<Callback> callbacks() {
        return callbackHandler.callbacks();
    }

    /** HF's {@code log}: adds {@code epoch} and {@code step}, appends to {@code log_history}, fires {@code onLog}. */
    public void log(Map<String, Double> logs) {
        Map<String, Object> entry = new LinkedHashMap<>(logs);
        entry.put("epoch", state.epoch());
        entry.put("step", state.globalStep());
        state.logHistory().add(entry);
        callbackHandler.onLog(state, control, entry);
    }

    /** The training batches (override to change sampling or collation). */
    protected DataLoader getTrainDataLoader() {
        Dataset dataset = spec.trainDataset().orElseThrow(() -> new IllegalStateException("no train dataset"));
        if (dataset instanceof MapDataset map) {
            Sampler sampler = switch (args.trainSamplingStrategy()) {
                case RANDOM -> new RandomSampler(map.size(), args.dataSeed());
                case SEQUENTIAL -> new SequentialSampler(map.size());
                case GROUP_BY_LENGTH -> new LengthGroupedSampler(ExampleLengths.of(map, args.lengthColumnName(),
                        model.inputs().stream().filter(input -> !input.label()).map(InputSpec::name).toList()),
                        args.trainBatchSize() * args.gradientAccumulationSteps(), args.dataSeed());
            };
            return new MapDataLoader(map, sampler, spec.collator(), args.trainBatchSize(), args.dataloaderDropLast(), args.dataSeed(),
                    PrefetchSettings.of(args));
        }
        return new StreamingDataLoader((StreamingDataset) dataset, spec.collator(), args.trainBatchSize(),
                args.dataloaderDropLast(), args.dataSeed(), PrefetchSettings.of(args));
    }

    /** The batches of an eval dataset (sequential). */
    protected DataLoader getEvalDataLoader(Dataset dataset) {
        return sequentialLoader(dataset);
    }

    /** The batches of a prediction dataset (sequential). */
    protected DataLoader getTestDataLoader(Dataset dataset) {
        return sequentialLoader(dataset);
    }

    private DataLoader sequentialLoader(Dataset dataset) {
        if (dataset instanceof MapDataset map) {
            return new MapDataLoader(map, new SequentialSampler(map.size()), spec.evalCollator(), args.evalBatchSize(),
                    args.dataloaderDropLast(), args.dataSeed(), PrefetchSettings.of(args));
        }
        return new StreamingDataLoader((StreamingDataset) dataset, spec.evalCollator(), args.evalBatchSize(),
                args.dataloaderDropLast(), args.dataSeed(), PrefetchSettings.of(args));
    }

    /** The learning-rate schedule for a run of {@code numTrainingSteps} optimizer steps. */
    protected LearningRateSchedule createScheduler(long numTrainingSteps) {
        return LearningRateSchedules.create(args, numTrainingSteps);
    }

    @Override
    public void close() {
        if (engine != null) {
            engine.close();
            engine = null;
        }
    }
}
