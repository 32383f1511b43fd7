package dev.trainer4j.loop;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.Callback;
import dev.trainer4j.api.CheckpointException;
import dev.trainer4j.api.CollateContext;
import dev.trainer4j.api.Collator;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.DataException;
import dev.trainer4j.api.DataLoader;
import dev.trainer4j.api.DataType;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.DeviceStrategy;
import dev.trainer4j.api.GenerationConfig;
import dev.trainer4j.api.GenerationOutput;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.GradientSnapshot;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.LearningRateSchedule;
import dev.trainer4j.api.MapDataset;
import dev.trainer4j.api.Model;
import dev.trainer4j.api.ModelCardOptions;
import dev.trainer4j.api.PredictionOutput;
import dev.trainer4j.api.SamplingStrategy;
import dev.trainer4j.api.SearchDirection;
import dev.trainer4j.api.SearchObjective;
import dev.trainer4j.api.SearchOptions;
import dev.trainer4j.api.SearchResult;
import dev.trainer4j.api.SearchSpace;
import dev.trainer4j.api.StreamingDataset;
import dev.trainer4j.api.TrainOutput;
import dev.trainer4j.api.BatchIterator;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.api.WeightMapping;
import dev.trainer4j.data.internal.ExampleLengths;
import dev.trainer4j.data.internal.LengthGroupedSampler;
import dev.trainer4j.data.internal.MapDataLoader;
import dev.trainer4j.data.internal.PrefetchSettings;
import dev.trainer4j.data.internal.RandomSampler;
import dev.trainer4j.data.internal.Sampler;
import dev.trainer4j.data.internal.SequentialSampler;
import dev.trainer4j.data.internal.SortishSampler;
import dev.trainer4j.data.internal.StreamingDataLoader;
import dev.trainer4j.schedule.internal.LearningRateSchedules;
import dev.trainer4j.search.HyperparameterSearch;
import dev.trainer4j.spi.Backend;
import dev.trainer4j.spi.BackendCapability;
import dev.trainer4j.spi.CheckpointScope;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.TrainingEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * Runs training, evaluation and prediction for a {@link TrainerSpec} on a {@link Backend}, like HF's
 * {@code Trainer}. The loop itself is backend-agnostic; backends provide compiled steps. The machinery lives in
 * {@code dev.trainer4j.loop} ({@link TrainingLoop}, {@link EvaluationLoop}, the run's checkpoints); this class owns
 * the engine's lifecycle and the overridable hooks, which the loops call back into.
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
public class DefaultTrainer implements Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultTrainer.class);

    private final TrainerSpec spec;
    private final Backend backend;
    private final TrainingArguments args;
    private final CallbackHandler callbackHandler;
    /** The spec, the callbacks and the current run's state and control, shared with the loops. */
    private final LoopContext context;
    /** The loops' way back into this trainer's overridable methods. */
    private final TrainerHooks hooks = new Hooks();
    private Model model;
    private List<String> labelNames;
    private TrainingEngine engine;
    private boolean engineTrained;
    private CheckpointWriter checkpointWriter;
    /** {@code per-device-train-batch-size}, halved by {@code auto-find-batch-size} when a step runs out of memory. */
    private int perDeviceTrainBatchSize;
    /** {@code init_mem_*} (skip-memory-metrics = false), added to the first train() metrics as HF does. */
    private Map<String, Double> initMemoryMetrics;
    private boolean inTrain;

    public DefaultTrainer(TrainerSpec spec, Backend backend) {
        requireNonNull(spec, "spec is null");
        // a multi-worker run's global batch counts every worker (HF's world_size)
        this.spec = spec.cluster().isEmpty() ? spec
                : spec.toBuilder().args(spec.args().withWorldSize(spec.cluster().get().size())).build();
        this.backend = requireNonNull(backend, "backend is null");
        this.args = this.spec.args();
        MemoryMetrics initMemory = MemoryMetrics.startUnless(args.skipMemoryMetrics());
        this.perDeviceTrainBatchSize = args.perDeviceTrainBatchSize();
        checkCapabilities(args, spec, backend);
        if (args.evalStrategy() != IntervalStrategy.NO && spec.evalDatasets().isEmpty()) {
            throw new ConfigurationException("eval-strategy", "eval-strategy = " + args.evalStrategy().configName()
                    + " needs an eval dataset; add one to the trainer spec or set eval-strategy = no");
        }
        if (spec.trainDataset().orElse(null) instanceof StreamingDataset stream && stream.knownSize().isEmpty()
                && args.maxSteps() <= 0 && args.fastDevRun() <= 0) {
            throw new ConfigurationException("max-steps", args.maxSteps(),
                    "an integer > 0: the train dataset is a stream of unknown size, so the run length must be given in steps");
        }
        checkMetricForBestModel(spec);
        this.model = spec.model().isPresent() ? spec.model().get() : spec.modelFactory().orElseThrow().get();
        this.labelNames = resolveLabelNames(model);
        List<Callback> callbacks = new ArrayList<>();
        callbacks.add(new DefaultFlowCallback());
        callbacks.addAll(spec.callbacks());
        this.callbackHandler = new CallbackHandler(args, callbacks);
        this.context = new LoopContext(this.spec, callbackHandler);
        callbacks.forEach(callback -> callback.onTrainerAttached(this));
        this.initMemoryMetrics = MemoryMetrics.stop(initMemory, "init");
        callbackHandler.onInitEnd(context.state(), context.control());
    }

    /**
     * {@code metric-for-best-model} must name {@code loss} or a key the run's metrics produce (for a named eval set,
     * {@code <set>_<key>}), so that a typo stops the run now rather than at the first evaluation. A
     * {@code compute-metrics} function's keys are known only when it runs, so then the first evaluation checks.
     */
    private static void checkMetricForBestModel(TrainerSpec spec) {
        Optional<String> wanted = spec.args().metricForBestModel();
        if (wanted.isEmpty() || spec.computeMetrics().isPresent()) {
            return;
        }
        Set<String> keys = new TreeSet<>();
        keys.add("loss");
        spec.metrics().forEach(metric -> keys.addAll(metric.keys()));
        Set<String> allowed = new TreeSet<>(keys);
        spec.evalDatasets().keySet().stream().filter(name -> !name.equals(TrainerSpec.DEFAULT_EVAL_NAME))
                .forEach(name -> keys.forEach(key -> allowed.add(name + "_" + key)));
        String name = wanted.get().startsWith("eval_") ? wanted.get().substring("eval_".length()) : wanted.get();
        if (!allowed.contains(name)) {
            throw new ConfigurationException("metric-for-best-model", wanted.get(), "loss or a key the run's metrics"
                    + " produce (with or without the eval_ prefix): " + allowed);
        }
    }

    private static void checkCapabilities(TrainingArguments args, TrainerSpec spec, Backend backend) {
        Set<BackendCapability> capabilities = backend.capabilities();
        if (args.bf16() && !capabilities.contains(BackendCapability.MIXED_PRECISION_BF16)) {
            throw new ConfigurationException("bf16", "bf16 = true is not supported by backend '" + backend.name()
                    + "': it lacks bf16 mixed precision; set bf16 = false or use a backend that has it");
        }
        if (args.fp16() && !capabilities.contains(BackendCapability.MIXED_PRECISION_FP16)) {
            throw new ConfigurationException("fp16", "fp16 = true is not supported by backend '" + backend.name()
                    + "': it lacks fp16 mixed precision; set fp16 = false or use a backend that has it");
        }
        if ((args.bf16FullEval() || args.fp16FullEval()) && !capabilities.contains(BackendCapability.HALF_PRECISION_EVAL)) {
            String key = args.bf16FullEval() ? "bf16-full-eval" : "fp16-full-eval";
            throw new ConfigurationException(key, key + " = true is not supported by backend '" + backend.name()
                    + "': it lacks half-precision evaluation; set " + key + " = false or use a backend that has it");
        }
        if (args.deviceSelection().replicas() > 1 && !capabilities.contains(BackendCapability.MULTI_DEVICE)) {
            throw new ConfigurationException("devices", "devices = " + args.devices() + " is not supported by backend '"
                    + backend.name() + "': it lacks multi-device training; set devices = 1 or use a backend that has it");
        }
        if (args.predictWithGenerate() && !capabilities.contains(BackendCapability.GENERATION)) {
            throw new ConfigurationException("predict-with-generate", "predict-with-generate = true is not supported by"
                    + " backend '" + backend.name() + "': it lacks generation; set predict-with-generate = false or use a"
                    + " backend that has it");
        }
        if (spec.cluster().isPresent() && !capabilities.contains(BackendCapability.MULTI_WORKER)) {
            throw new ConfigurationException(spec.cluster().get().source(), "a multi-worker run is not supported by"
                    + " backend '" + backend.name() + "': it lacks multi-worker training; remove "
                    + spec.cluster().get().source() + " or use a backend that has it");
        }
        if (spec.cluster().isPresent() && !spec.cluster().get().isChief()) {
            throw new ConfigurationException(spec.cluster().get().source(), "this process is worker "
                    + spec.cluster().get().taskIndex() + " of " + spec.cluster().get().size() + ": only worker 0, the chief,"
                    + " makes a trainer; the other workers serve their devices (Trainer4j.serveWorker, or trainer4j train"
                    + " with the same TF_CONFIG)");
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
        if (spec.trainDataset().isEmpty()) {
            throw new IllegalStateException("train() needs a train dataset; give one in the trainer spec");
        }
        if (!backend.capabilities().contains(BackendCapability.TRAINING)) {
            throw new IllegalStateException("backend '" + backend.name() + "' cannot train (it lacks " + BackendCapability.TRAINING + ")");
        }
        checkDatasetsFitTheModel();
        inTrain = true;
        TrainOutput output;
        try {
            output = trainFindingBatchSize(resumeFromCheckpoint);
        }
        finally {
            inTrain = false;
        }
        if (!initMemoryMetrics.isEmpty()) {
            Map<String, Double> metrics = new LinkedHashMap<>(initMemoryMetrics);
            metrics.putAll(output.metrics());
            initMemoryMetrics = Map.of();
            output = new TrainOutput(output.globalStep(), output.trainingLoss(), metrics);
        }
        return output;
    }

    /**
     * HF's {@code auto_find_batch_size} (accelerate's {@code find_executable_batch_size}): when a training step runs
     * out of memory (a JVM {@link OutOfMemoryError}, or a backend error caused by TensorFlow's resource-exhausted
     * status), halves {@code per-device-train-batch-size} and starts the run again with a fresh optimizer, until a
     * batch of one fails. The model keeps its weights, as in HF; the found size is {@code state().trainBatchSize()}.
     */
    private TrainOutput trainFindingBatchSize(String resumeFromCheckpoint) {
        while (true) {
            try {
                return new TrainingLoop(context, hooks).run(resumeFromCheckpoint);
            }
            catch (OutOfMemoryError | RuntimeException e) {
                if (!args.autoFindBatchSize() || !outOfMemory(e) || perDeviceTrainBatchSize == 1) {
                    throw e;
                }
                int smaller = perDeviceTrainBatchSize / 2;
                LOG.warn("auto-find-batch-size: out of memory with per-device-train-batch-size {} ({}); trying {}",
                        perDeviceTrainBatchSize, e.getMessage(), smaller);
                perDeviceTrainBatchSize = smaller;
                if (engine != null) {
                    engine.resetOptimizer();
                }
            }
        }
    }

    private static boolean outOfMemory(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            String message = String.valueOf(cause.getMessage());
            if (cause instanceof OutOfMemoryError || cause.getClass().getSimpleName().contains("ResourceExhausted")
                    || message.contains("RESOURCE_EXHAUSTED") || message.contains("OOM when allocating")) {
                return true;
            }
        }
        return false;
    }

    // ---- issue 18: devices ----

    /**
     * HF's {@code is_model_parallel}: whether the model's layers are split over more than one device
     * ({@code strategy = model-parallel} with a {@code device-map} that names at least two devices).
     */
    public boolean isModelParallel() {
        return args.strategy() == DeviceStrategy.MODEL_PARALLEL
                && args.deviceMap().values().stream().map(String::valueOf).distinct().count() > 1;
    }

    /**
     * HF's {@code place_model_on_device}: whether the trainer puts the whole model on the run's device(s) itself;
     * false when the model is split over devices by its device map, as in HF.
     */
    public boolean placeModelOnDevice() {
        return !isModelParallel();
    }

    /**
     * HF's {@code model_wrapped}: the model as the runs execute it, here the backend's compiled engine (with its
     * replicas or device map); empty until the model is compiled (the first train, evaluate or predict).
     */
    public Optional<TrainingEngine> modelWrapped() {
        return Optional.ofNullable(engine);
    }

    /** HF's {@code is_in_train}: whether {@code train()} is running (true inside callbacks and evaluations it calls). */
    public boolean isInTrain() {
        return inTrain;
    }

    /**
     * Collates the first rows of every eval dataset the run will evaluate and checks them against the model's inputs
     * (names, element types, shapes), so that a bad eval set is named now rather than at the first evaluation, an
     * epoch later. The train dataset's first batch is checked by the first step, which reads no row twice; streams
     * are checked as they are read.
     */
    private void checkDatasetsFitTheModel() {
        if (args.evalStrategy() != IntervalStrategy.NO || args.evalOnStart()) {
            spec.evalDatasets().forEach((name, dataset) -> checkDataset(name.equals(TrainerSpec.DEFAULT_EVAL_NAME)
                    ? "the eval dataset" : "the eval dataset '" + name + "'", dataset, spec.evalCollator()));
        }
    }

    private void checkDataset(String description, Dataset dataset, Collator collator) {
        if (!(dataset instanceof MapDataset map) || map.size() == 0) {
            return;
        }
        int rows = Math.min(2, map.size());
        List<Example> first = new ArrayList<>(rows);
        for (int row = 0; row < rows; row++) {
            first.add(map.get(row));
        }
        Batch batch;
        try {
            batch = prepareBatch(collator.collate(first, new CollateContext(args.dataSeed(), 0, 0)), false);
        }
        catch (RuntimeException e) {
            throw new DataException(description + ": its first " + rows + " rows do not make a batch for model '"
                    + model.name() + "': " + e.getMessage(), e);
        }
        for (InputSpec input : model.inputs()) {
            Optional<HostTensor> tensor = batch.find(input.name());
            if (tensor.isEmpty()) {
                continue;
            }
            if (tensor.get().dataType() != input.dataType() || !input.accepts(tensor.get().shape())) {
                throw new DataException(description + ": field '" + input.name() + "' of its first rows is "
                        + tensor.get().dataType() + Arrays.toString(tensor.get().shape()) + " but model '" + model.name()
                        + "' expects " + input.dataType() + Arrays.toString(input.shape()) + " (-1: any size)");
            }
        }
    }

    /**
     * The writer of checkpoint folders, created once per trainer. Tests override it to inject faults:
     * {@code new CheckpointWriter(CheckpointFaults.blockAt(point, occurrence))}.
     */
    protected CheckpointWriter createCheckpointWriter() {
        return new CheckpointWriter(CheckpointFaults.NONE);
    }

    private CheckpointWriter checkpointWriter() {
        if (checkpointWriter == null) {
            checkpointWriter = requireNonNull(createCheckpointWriter(), "createCheckpointWriter() returned null");
        }
        return checkpointWriter;
    }

    private void prepareEngineForRun(long totalSteps, DataLoader loader) {
        if (engine == null) {
            engine = compile(totalSteps, loader);
        }
        else if (engineTrained) {
            if (spec.modelFactory().isPresent()) {
                engine.close();
                engine = null;
                model = spec.modelFactory().get().get();
                labelNames = resolveLabelNames(model);
                engine = compile(totalSteps, loader);
            }
            else {
                engine.resetOptimizer();
            }
        }
        engineTrained = true;
    }

    /**
     * Compiles the engine. With a training {@code loader} (else null), the options hold the shapes of the loader's
     * first batch when the backend can use them: when a model input's size beyond the batch is open (a sequence
     * length) and threads are left to the backend, or when every batch has those shapes (a uniform loader, batches
     * as the loader makes them, one process), which the options then promise. The collator makes that batch once
     * more than the run itself does.
     */
    private TrainingEngine compile(long totalSteps, DataLoader loader) {
        EngineOptions options = new EngineOptions(labelNames, totalSteps, spec.cluster());
        boolean threadsChosen = !args.fullDeterminism()
                && (args.trainTowers() == 0 || args.intraOpThreads() == 0 || args.interOpThreads() == 0);
        boolean openSizes = model.inputs().stream().anyMatch(input -> java.util.Arrays.stream(input.shape()).skip(1)
                .anyMatch(size -> size < 0));
        boolean uniform = loader != null && loader.uniformBatches() && spec.cluster().isEmpty() && preparesAsDeclared();
        Batch first = loader != null && (uniform || threadsChosen && openSizes) ? firstBatch(loader) : null;
        EngineOptions withShapes = first == null ? options : options.withBatchShapes(first, uniform);
        return requireNonNull(backend.compile(model, args, withShapes),
                () -> "backend '" + backend.name() + "' returned no engine");
    }

    /** Whether {@link #prepareBatch} is this class's, which keeps a batch's shapes (it only drops columns). */
    private boolean preparesAsDeclared() {
        for (Class<?> type = getClass(); type != DefaultTrainer.class; type = type.getSuperclass()) {
            try {
                type.getDeclaredMethod("prepareBatch", Batch.class, boolean.class);
                return false;
            }
            catch (NoSuchMethodException e) {
                // not overridden at this level
            }
        }
        return true;
    }

    /**
     * The first batch of {@code loader}'s first epoch (collators are pure, so it is the batch a fresh run's first step
     * gets), or null for a stream, which is not read twice, or a loader with no batch.
     */
    private static Batch firstBatch(DataLoader loader) {
        if (loader.batchesPerEpoch().isEmpty() || loader.batchesPerEpoch().getAsLong() == 0) {
            return null;
        }
        try (BatchIterator batches = loader.iterator(0, 0)) {
            return batches.hasNext() ? batches.next() : null;
        }
    }

    private TrainingEngine engine() {
        if (engine == null) {
            engine = compile(-1, null);
        }
        return engine;
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
            throw new DataException("batch lacks " + missing + " that model '" + model.name() + "' needs"
                    + (training ? " for training" : "") + "; present: " + batch.names() + "; missing: " + missing);
        }
        keep.addAll(labels);
        Batch checked = checkValues(batch);
        if (!args.removeUnusedColumns() || keep.containsAll(checked.names())) {
            return checked;
        }
        return checked.select(keep);
    }

    /**
     * Converts INT64 columns to the INT32 a model input declares (exactly: a value that does not fit is refused) and
     * checks every class-index label value against the input's number of classes, in one pass over the ints.
     *
     * @throws DataException naming the column, the row of the batch, the value and the valid range
     */
    private Batch checkValues(Batch batch) {
        Map<String, HostTensor> converted = null;
        for (InputSpec input : model.inputs()) {
            Optional<HostTensor> found = batch.find(input.name());
            if (found.isEmpty()) {
                continue;
            }
            HostTensor tensor = found.get();
            if (tensor.dataType() == DataType.INT64 && input.dataType() == DataType.INT32) {
                tensor = HostTensors.toInts(input.name(), tensor);
                if (converted == null) {
                    converted = new LinkedHashMap<>(batch.tensors());
                }
                converted.put(input.name(), tensor);
            }
            if (input.isClassIndex()) {
                checkClassIndices(input, tensor);
            }
        }
        return converted == null ? batch : new Batch(converted);
    }

    private static void checkClassIndices(InputSpec input, HostTensor tensor) {
        int rowSize = Math.max(1, tensor.rowSize());
        if (tensor.dataType() == DataType.INT32) {
            int[] values = tensor.ints();
            for (int index = 0; index < values.length; index++) {
                if (!input.acceptsValue(values[index])) {
                    throw classIndexOutOfRange(input, index / rowSize, values[index]);
                }
            }
        }
        else if (tensor.dataType() == DataType.INT64) {
            long[] values = tensor.longs();
            for (int index = 0; index < values.length; index++) {
                if (!input.acceptsValue(values[index])) {
                    throw classIndexOutOfRange(input, index / rowSize, values[index]);
                }
            }
        }
    }

    private static DataException classIndexOutOfRange(InputSpec input, int row, long value) {
        return new DataException("label '" + input.name() + "' of row " + row + " of the batch (0-based) is " + value
                + "; expected a class index in [0, " + input.numClasses() + ") (" + input.numClasses()
                + " classes) or " + InputSpec.IGNORE_INDEX + " (ignored)");
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
        return evaluate(dataset, List.of(), metricKeyPrefix);
    }

    /** Predicts a dataset: every output concatenated in order, labels when present, {@code test_} metrics. */
    public PredictionOutput predict(Dataset dataset) {
        return predict(dataset, List.of(), "test");
    }

    // ---- issue 20: HF parity ----

    @Override
    public Map<String, Double> evaluate(Dataset dataset, List<String> ignoreKeys, String metricKeyPrefix) {
        requireNonNull(dataset, "dataset is null");
        requireNonNull(ignoreKeys, "ignoreKeys is null");
        requireNonNull(metricKeyPrefix, "metricKeyPrefix is null");
        MemoryMetrics memory = MemoryMetrics.startUnless(args.skipMemoryMetrics());
        EvaluationLoop.Result result = evaluationLoop(LimitedDataLoader.forEvaluation(getEvalDataLoader(dataset), args),
                metricKeyPrefix, false, ignoreKeys);
        Map<String, Double> metrics = new LinkedHashMap<>(result.metrics());
        metrics.putAll(MemoryMetrics.stop(memory, metricKeyPrefix));
        log(metrics);
        callbackHandler.onEvaluate(context.state(), context.control(), metrics);
        return metrics;
    }

    @Override
    public PredictionOutput predict(Dataset dataset, List<String> ignoreKeys, String metricKeyPrefix) {
        requireNonNull(dataset, "dataset is null");
        requireNonNull(ignoreKeys, "ignoreKeys is null");
        requireNonNull(metricKeyPrefix, "metricKeyPrefix is null");
        MemoryMetrics memory = MemoryMetrics.startUnless(args.skipMemoryMetrics());
        EvaluationLoop.Result result = evaluationLoop(getTestDataLoader(dataset), metricKeyPrefix, true, ignoreKeys);
        Map<String, Double> metrics = new LinkedHashMap<>(result.metrics());
        metrics.putAll(MemoryMetrics.stop(memory, metricKeyPrefix));
        callbackHandler.onPredict(context.state(), context.control(), metrics);
        return new PredictionOutput(result.predictions(), result.labelIds(), metrics, result.predictionBatches(),
                result.labelIdBatches());
    }

    @Override
    public void logMetrics(String split, Map<String, Double> metrics) {
        LOG.info(RunResults.format(split, metrics));
    }

    @Override
    public void saveMetrics(String split, Map<String, Double> metrics, boolean combined) {
        RunResults.saveMetrics(Path.of(args.outputDir()), split, metrics, combined);
    }

    @Override
    public void saveState() {
        RunResults.saveState(Path.of(args.outputDir()), context.state());
    }

    @Override
    public Optional<Callback> popCallback(Class<? extends Callback> type) {
        requireNonNull(type, "type is null");
        for (Callback callback : callbackHandler.callbacks()) {
            if (type.isInstance(callback)) {
                callbackHandler.remove(callback);
                return Optional.of(callback);
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean popCallback(Callback callback) {
        requireNonNull(callback, "callback is null");
        return callbackHandler.remove(callback);
    }

    @Override
    public Path createModelCard(ModelCardOptions options) {
        requireNonNull(options, "options is null");
        return ModelCardWriter.write(Path.of(args.outputDir()), options, args, model.name(), context.state(),
                spec.trainDataset().isPresent());
    }

    private EvaluationLoop.Result evaluationLoop(DataLoader loader, String prefix, boolean keepPredictions,
            List<String> ignoreKeys) {
        return new EvaluationLoop(context, hooks, engine()).run(loader, prefix, keepPredictions, Set.copyOf(ignoreKeys));
    }

    // ---- issue 17: seq2seq ----

    /** Generates for every example of {@code inputs}, batched as {@link #predict}; see {@link Trainer#generate}. */
    @Override
    public GenerationOutput generate(Dataset inputs, GenerationConfig overrides) {
        requireNonNull(inputs, "inputs is null");
        requireNonNull(overrides, "overrides is null");
        GeneratedRows generation = new GeneratedRows(engine(), args, overrides, spec.tokenizer());
        long index = 0;
        try (BatchIterator batches = getTestDataLoader(inputs).iterator(0, 0)) {
            while (batches.hasNext()) {
                generation.generate(hooks.prepareBatch(batches.next(), false), index++);
            }
        }
        return new GenerationOutput(generation.all(), generation.rows().stream().map(row -> row.length).toList(),
                generation.texts(generation.rows()));
    }

    private EvaluationLoop.Result evaluationLoop(DataLoader loader, String prefix, boolean keepPredictions) {
        return evaluationLoop(loader, prefix, keepPredictions, List.of());
    }

    /**
     * Writes the saved model folder {@code directory} (see {@link SavedModelFolder}): {@code weights/} (the
     * {@link CheckpointScope#MODEL} variables), {@code saved_model/} (the serving export, when the backend has
     * {@link BackendCapability#MODEL_EXPORT}), {@code model_config.json}, {@code model.safetensors} and
     * {@code config.json} when the model has Hugging Face names and {@code save-safetensors} is on (the default),
     * {@code tokenizer.json} when the spec has a tokenizer, and {@code manifest.json} last. An earlier save in the folder is replaced; other files are refused.
     */
    @Override
    public void saveModel(Path directory) {
        requireNonNull(directory, "directory is null");
        TrainingEngine engine = engine();
        SavedModelFolder.prepare(directory);
        Path weights = directory.resolve(SavedModelFolder.WEIGHTS_DIR);
        try {
            java.nio.file.Files.createDirectories(weights);
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot create " + weights, e);
        }
        engine.save(weights, CheckpointScope.MODEL);
        if (backend.capabilities().contains(BackendCapability.MODEL_EXPORT)) {
            engine.exportModel(directory.resolve(SavedModelFolder.SAVED_MODEL_DIR));
        }
        Checkpoints.writeJson(directory.resolve(SavedModelFolder.MODEL_CONFIG), SavedModelFolder.modelConfig(model));
        if (args.saveSafetensors()) {
            engine.savePretrained(directory);
        }
        spec.tokenizer().ifPresent(tokenizer -> tokenizer.save(directory.resolve(SavedModelFolder.TOKENIZER)));
        SavedModelFolder.writeManifest(directory, context.state().globalStep());
        LOG.info("saved the model into {}", directory);
    }

    /** Exports only the serving model into {@code directory} (a SavedModel for the TensorFlow backend). */
    @Override
    public void exportModel(Path directory) {
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
     * Loads the model weights of a saved model folder ({@code weights/}, see {@link #saveModel}) or of a checkpoint
     * folder ({@code <checkpoint>/engine}, the {@link CheckpointScope#MODEL} variables) for evaluation, prediction or
     * export; compiles the engine first when needed. The optimizer state and {@link #state()} are left as they are.
     * The folder is verified against its manifest first.
     *
     * @throws CheckpointException when the folder is missing or damaged (the message names it and the bad file), or
     *         holds the weights of another model (the message names the variables and both shapes)
     */
    @Override
    public void loadModel(Path modelOrCheckpointDirectory) {
        requireNonNull(modelOrCheckpointDirectory, "modelOrCheckpointDirectory is null");
        boolean savedModel = SavedModelFolder.isSavedModel(modelOrCheckpointDirectory);
        String kind = savedModel ? "saved model " : "checkpoint ";
        Optional<String> problem = Checkpoints.verify(modelOrCheckpointDirectory);
        if (problem.isPresent()) {
            throw new CheckpointException(modelOrCheckpointDirectory, kind + modelOrCheckpointDirectory
                    + " cannot be loaded: " + problem.get());
        }
        Path weights = modelOrCheckpointDirectory.resolve(savedModel ? SavedModelFolder.WEIGHTS_DIR : Checkpoints.ENGINE_DIR);
        engine().restore(weights, CheckpointScope.MODEL);
        LOG.info("loaded the model weights of {}", modelOrCheckpointDirectory);
    }

    /**
     * See {@link Trainer#hyperparameterSearch(SearchSpace, SearchObjective, int, SearchDirection, SearchOptions)}:
     * each trial's trainer is made by {@link #createTrialTrainer} from this spec with the trial's arguments.
     */
    @Override
    public SearchResult hyperparameterSearch(SearchSpace space, SearchObjective objective, int trials,
            SearchDirection direction, SearchOptions options) {
        requireNonNull(space, "space is null");
        requireNonNull(objective, "objective is null");
        HyperparameterSearch search = HyperparameterSearch.forSpec(spec, space, objective, trials, direction, options,
                this::createTrialTrainer);
        return search.run();
    }

    /** Makes the trainer of one search trial from its spec; the backend's trainer unless overridden. */
    protected Trainer createTrialTrainer(TrainerSpec trialSpec) {
        return backend.createTrainer(trialSpec);
    }

    /** See {@link Trainer#stop()}: the loop takes the request at the next optimizer-step boundary. */
    @Override
    public void stop() {
        context.stopRequest().request();
    }

    /** The state of the current or last run. */
    public TrainerState state() {
        return context.state();
    }

    public void addCallback(Callback callback) {
        callbackHandler.add(callback);
        callback.onTrainerAttached(this);
    }

    @Override
    public Map<String, float[]> modelWeights() {
        return engine().readModelWeights();
    }

    /** The engine's gradients of the latest step; empty before the model is compiled (no step ran). */
    @Override
    public Optional<GradientSnapshot> lastGradients() {
        return engine == null ? Optional.empty() : engine.lastGradients();
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
        TrainerState state = context.state();
        Map<String, Object> entry = new LinkedHashMap<>(logs);
        entry.put("epoch", state.epoch());
        if (!args.includeNumInputTokensSeen().equals("no")) {
            entry.put("num_input_tokens_seen", state.numInputTokensSeen());
        }
        entry.put("step", state.globalStep());
        state.logHistory().add(entry);
        callbackHandler.onLog(state, context.control(), entry);
    }

    /** The training batches (override to change sampling or collation). */
    @Override
    public DataLoader getTrainDataLoader() {
        Dataset dataset = spec.trainDataset().orElseThrow(() -> new IllegalStateException("no train dataset"));
        if (dataset instanceof MapDataset map) {
            // overfit-batches: the same first batches every epoch
            SamplingStrategy strategy = args.overfitBatches() > 0 ? SamplingStrategy.SEQUENTIAL : args.trainSamplingStrategy();
            Sampler sampler = switch (strategy) {
                case RANDOM -> new RandomSampler(map.size(), args.dataSeed());
                case SEQUENTIAL -> new SequentialSampler(map.size());
                case GROUP_BY_LENGTH -> new LengthGroupedSampler(ExampleLengths.of(map, args.lengthColumnName(),
                        model.inputs().stream().filter(input -> !input.label()).map(InputSpec::name).toList()),
                        trainBatchSize() * args.gradientAccumulationSteps(), args.dataSeed());
            };
            if (args.sortishSampler() && args.overfitBatches() == 0) {
                // ---- issue 17: seq2seq: HF's SortishSampler ----
                sampler = new SortishSampler(ExampleLengths.of(map, args.lengthColumnName(),
                        model.inputs().stream().filter(input -> !input.label()).map(InputSpec::name).toList()),
                        trainBatchSize(), args.dataSeed());
            }
            return new MapDataLoader(map, sampler, spec.collator(), trainBatchSize(), args.dataloaderDropLast(), args.dataSeed(),
                    PrefetchSettings.of(args));
        }
        return new StreamingDataLoader((StreamingDataset) dataset, spec.collator(), trainBatchSize(),
                args.dataloaderDropLast(), args.dataSeed(), PrefetchSettings.of(args));
    }

    /** The batches of an eval dataset (sequential). */
    @Override
    public DataLoader getEvalDataLoader(Dataset dataset) {
        return sequentialLoader(dataset);
    }

    /** The batches of a prediction dataset (sequential). */
    @Override
    public DataLoader getTestDataLoader(Dataset dataset) {
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

    /**
     * Examples per training micro-batch over all devices: {@code args.trainBatchSize()}, or less after
     * {@code auto-find-batch-size} halved it.
     */
    protected int trainBatchSize() {
        return perDeviceTrainBatchSize * args.deviceSelection().replicas() * args.worldSize();
    }

    /**
     * The learning-rate schedule for a run of {@code numTrainingSteps} optimizer steps: the spec's
     * ({@link TrainerSpec#lrScheduler()}, HF's {@code optimizers[1]}) when given, else {@code lr-scheduler-type}'s.
     */
    protected LearningRateSchedule createScheduler(long numTrainingSteps) {
        return spec.lrScheduler().orElseGet(() -> LearningRateSchedules.create(args, numTrainingSteps));
    }

    @Override
    public void close() {
        if (engine != null) {
            engine.close();
            engine = null;
        }
    }

    /** Hands the loops this trainer's (overridable) methods and the engine of the run. */
    private final class Hooks implements TrainerHooks {
        @Override
        public DataLoader trainDataLoader() {
            return getTrainDataLoader();
        }

        @Override
        public TrainingEngine prepareEngineForRun(long maxSteps, DataLoader loader) {
            DefaultTrainer.this.prepareEngineForRun(maxSteps, loader);
            return engine;
        }

        @Override
        public LearningRateSchedule createScheduler(long numTrainingSteps) {
            return DefaultTrainer.this.createScheduler(numTrainingSteps);
        }

        @Override
        public Batch prepareBatch(Batch batch, boolean training) {
            return DefaultTrainer.this.prepareBatch(batch, training);
        }

        @Override
        public CheckpointWriter checkpointWriter() {
            return DefaultTrainer.this.checkpointWriter();
        }

        @Override
        public List<String> labelNames() {
            return labelNames;
        }

        @Override
        public Map<String, Double> evaluateAll() {
            return DefaultTrainer.this.evaluateAll();
        }

        @Override
        public void log(Map<String, Double> logs) {
            DefaultTrainer.this.log(logs);
        }

        @Override
        public int trainBatchSize() {
            return DefaultTrainer.this.trainBatchSize();
        }
    }
}
