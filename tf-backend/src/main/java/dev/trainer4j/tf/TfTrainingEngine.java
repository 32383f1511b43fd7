package dev.trainer4j.tf;

import dev.trainer4j.api.BackendException;
import dev.trainer4j.api.Batch;
import dev.trainer4j.api.ClusterSpec;
import dev.trainer4j.api.GradientSnapshot;
import dev.trainer4j.api.DataType;
import dev.trainer4j.api.GenerationConfig;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.api.WeightMapping;
import dev.trainer4j.spi.CheckpointScope;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.EvalBatchOutput;
import dev.trainer4j.spi.StartupTimeline;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.spi.StepOutcome;
import dev.trainer4j.spi.TrainingEngine;
import dev.trainer4j.spi.TrainingLossReport;
import dev.trainer4j.tf.cluster.TfCluster;
import dev.trainer4j.tf.generate.TfGenerationGraph;
import dev.trainer4j.tf.generate.TfGenerator;
import dev.trainer4j.tf.internal.TfCompiledGraph;
import dev.trainer4j.tf.models.TransformerLm;
import dev.trainer4j.tf.internal.TfCompiledGraph.InferenceOnly;
import dev.trainer4j.tf.internal.TfCompiledGraph.TfUpdateStep;
import dev.trainer4j.tf.internal.TfCompiledGraph;
import dev.trainer4j.tf.internal.TfDevicePlan;
import dev.trainer4j.tf.internal.TfErrors;
import dev.trainer4j.tf.internal.TfGraphBuilder;
import dev.trainer4j.tf.internal.TfMixedPrecision;
import dev.trainer4j.tf.internal.TfInputFeeder;
import dev.trainer4j.tf.internal.TfOneDnn;
import dev.trainer4j.tf.internal.TfSessionRunner.TrainingPath;
import dev.trainer4j.tf.internal.TfSessionRunner;
import dev.trainer4j.tf.internal.TfTrainingGraph;
import dev.trainer4j.tf.io.TfCheckpoint;
import dev.trainer4j.tf.io.TfModelExporter;
import dev.trainer4j.tf.io.TfWeightInitializer;
import dev.trainer4j.tf.pretrained.HuggingFaceNamed;
import dev.trainer4j.tf.pretrained.HuggingFaceWeights;
import dev.trainer4j.tf.pretrained.WeightSource;
import dev.trainer4j.tf.pretrained.WeightSources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Operand;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The compiled run of a {@link TfModel}: one {@link Graph} and one session, built once at compile. Which class does
 * which job:
 * <ul>
 *   <li>{@link TfGraphBuilder} builds the graph (placeholders, the evaluation and prediction passes, the training
 *       replicas on the devices of {@link TfDevices}, their gradients, checkpoints) into an immutable
 *       {@link TfCompiledGraph}; a graph that cannot train says why ({@link InferenceOnly}).</li>
 *   <li>{@link dev.trainer4j.tf.internal.TfUpdatePath} builds the update from the loss and the gradients:
 *       accumulation buffers, the finite gate, clipping by global norm, the optimizer's gated writes.</li>
 *   <li>{@link TfSessionRunner} runs the session: cached runners, reused input tensors, the running loss, evaluation
 *       and prediction runs.</li>
 *   <li>This class is the {@link TrainingEngine} the loop drives: it checks the calls against what the graph
 *       supports and owns the graph, the session, the export and the weight loading.</li>
 * </ul>
 *
 * <p>Not thread-safe. Close it to free the session, graph and every cached tensor.
 */
public final class TfTrainingEngine implements TrainingEngine {
    private static final Logger LOG = LoggerFactory.getLogger(TfTrainingEngine.class);

    private final Graph graph;
    private final TfCompiledGraph compiled;
    private final TfSessionRunner runner;
    private final TfModelExporter exporter;
    private final TfModel model;
    private final String modelName;
    private final TfDevicePlan devicePlan;
    private TfWeightInitializer weightInitializer;
    /** The gradients the latest step captured, or null. */
    private GradientSnapshot lastGradients;
    private boolean closed;
    /** {@code debug} holds {@code underflow_overflow}: a non-finite step names its first non-finite activation. */
    private boolean debugUnderflowOverflow;
    /** {@code strategy = model-parallel}: the variables are placed by the device map. */
    private boolean modelParallel;
    private String lastNonFiniteActivation;

    private TfTrainingEngine(Graph graph, TfCompiledGraph compiled, TfSessionRunner runner, TfModelExporter exporter,
                             TfModel model, TfDevicePlan devicePlan) {
        this.devicePlan = devicePlan;
        this.graph = graph;
        this.compiled = compiled;
        this.runner = runner;
        this.exporter = exporter;
        this.model = model;
        this.modelName = compiled.modelName();
    }

    /** Builds the graph for {@code model}, its training replicas on {@code devices}, and opens its session. */
    static TfTrainingEngine compile(TfModel model, TrainingArguments args, EngineOptions options, TfTrainerHooks hooks,
                                    TfDevices devices) {
        StartupTimeline.process().mark("trainer");
        ClusterSpec cluster = options.cluster().orElse(null);
        TfDevicePlan plan = cluster != null ? TfCluster.chiefPlan(cluster, args) : TfDevicePlan.resolve(args, devices);
        TfMixedPrecision precision = TfMixedPrecision.of(args, plan.gpus());
        StartupTimeline.process().mark("device probe");
        Graph graph = new Graph();
        TfCompiledGraph compiled;
        TfSessionRunner runner;
        try {
            compiled = new TfGraphBuilder(model, args, options, hooks, plan.devices(), precision).build(graph);
            StartupTimeline.process().mark("graph: checkpoints");
            runner = new TfSessionRunner(compiled, plan, precision, cluster);
        }
        catch (RuntimeException | Error e) {
            graph.close();
            if (e instanceof RuntimeException error && TfErrors.isTensorFlowError(error)) {
                throw new BackendException("the graph of model '" + model.name() + "'", "building the graph of model '"
                        + model.name() + "' failed: " + e.getMessage() + " (an op of the model or of a custom"
                        + " computeLoss may lack a kernel or a registered gradient in TensorFlow Java 1.1.0; for"
                        + " class labels use dev.trainer4j.tf.nn.CrossEntropyLoss, whose ops all have gradients, instead"
                        + " of SparseSoftmaxCrossEntropyWithLogits)", e);
            }
            throw e;
        }
        // from here the session is open: a failure must close it first, since closing only the graph would wait
        // forever for the session
        try {
            TfTrainingEngine engine = new TfTrainingEngine(graph, compiled, runner,
                    new TfModelExporter(model, compiled.features()), model, plan);
            engine.debugUnderflowOverflow = args.debug().contains(TrainingArguments.DEBUG_UNDERFLOW_OVERFLOW);
            engine.modelParallel = !dev.trainer4j.tf.internal.TfDeviceMap.of(args).isEmpty();
            plan.log(model.name());
            if (precision.mode() != TfMixedPrecision.Mode.FP32) {
                LOG.info("precision of model '{}': {}", model.name(), precision.describe());
            }
            dev.trainer4j.tf.internal.TfHalfPrecisionEval halfEval =
                    dev.trainer4j.tf.internal.TfHalfPrecisionEval.of(args, plan.gpus());
            if (halfEval != null) {
                LOG.info("evaluation precision of model '{}': {}", model.name(), halfEval.describe());
            }
            TfThreadChoice threads = compiled.threads();
            LOG.info("tensorflow engine for model '{}': {} parameters in {} variables ({} trainable), optimizer {},"
                            + " intra-op threads {}, inter-op threads {}, training towers {} ({}){}{}; {}",
                    model.name(), compiled.variables().stream().mapToLong(TfVariable::size).sum(),
                    compiled.variables().size(), engine.trainableVariables().size(),
                    compiled.training() instanceof TfTrainingGraph training ? training.optimizerName() : "none",
                    threads.intraOp(), threads.interOp(), threads.towers(), threads.reason(),
                    compiled.fixedTrainingShapes() ? "; training step built for the run's batch shapes "
                            + options.batchShapes() : "",
                    "true".equalsIgnoreCase(System.getenv("TF_OVERRIDE_GLOBAL_THREADPOOL")) ? ""
                            : "; TF_OVERRIDE_GLOBAL_THREADPOOL is not true, so the process-wide pools may ignore these",
                    TfOneDnn.describe());
            return engine;
        }
        catch (RuntimeException | Error e) {
            try (graph; runner) {
                throw e;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ running

    @Override
    public void accumulate(Batch microBatch, StepContext context) {
        checkOpen();
        TfTrainingGraph training = requireTraining();
        if (!(training.accumulation() instanceof TfTrainingGraph.Accumulating accumulating)) {
            throw new IllegalStateException("accumulate() needs gradient-accumulation-steps > 1 at compile time"
                    + " (the engine was compiled with 1)");
        }
        runner.runTraining(TrainingPath.ACCUMULATE, accumulating.accumulate(), microBatch, context);
    }

    @Override
    public StepOutcome step(Batch lastMicroBatch, StepContext context) {
        checkOpen();
        TfTrainingGraph training = requireTraining();
        TfUpdateStep update = training.step();
        TrainingPath path = TrainingPath.STEP;
        if (context.microSteps() > 1) {
            if (!(training.accumulation() instanceof TfTrainingGraph.Accumulating accumulating)) {
                throw new IllegalStateException("a window of " + context.microSteps() + " micro-batches needs"
                        + " gradient-accumulation-steps > 1 at compile time (the engine was compiled with 1)");
            }
            update = accumulating.step();
            path = TrainingPath.STEP_ACCUMULATED;
        }
        lastGradients = null;
        boolean finite;
        if (context.captureGradients()) {
            TfSessionRunner.CapturedStep captured = runner.runTrainingCapturing(path, update.target(), update.finite(),
                    update.gradients(), lastMicroBatch, context);
            Map<String, float[]> gradients = new java.util.LinkedHashMap<>();
            for (int i = 0; i < training.trainable().size(); i++) {
                gradients.put(training.trainable().get(i).name(), captured.gradients().get(i));
            }
            lastGradients = new GradientSnapshot(context.globalStep() + 1, gradients);
            finite = captured.finite();
        }
        else {
            finite = runner.runTraining(path, update.target(), update.finite(), lastMicroBatch, context);
        }
        if (finite) {
            return StepOutcome.FINITE;
        }
        if (debugUnderflowOverflow) {
            lastNonFiniteActivation = runner.firstNonFiniteActivation(lastMicroBatch, context)
                    .orElse("none: every activation of the forward pass is finite (the loss, gradients or update overflowed)");
            LOG.warn("debug underflow_overflow: step {} (global, 0-based) of model '{}' is not finite; first non-finite"
                    + " activation: {}", context.globalStep(), modelName, lastNonFiniteActivation);
        }
        return StepOutcome.NON_FINITE;
    }

    /**
     * The gradients of the latest step when its context asked for them: the trainable variables' gradients before
     * clipping (the window's sums over micro-batches and replicas divided by its item count), fetched in the step's
     * own run; frozen variables have none.
     */
    @Override
    public Optional<GradientSnapshot> lastGradients() {
        return Optional.ofNullable(lastGradients);
    }

    /**
     * With {@code debug = [underflow_overflow]}: the first non-finite activation of the training forward pass found
     * after the last non-finite step, as {@code "<op path> (layer <scope>)"}; empty before any.
     */
    public java.util.Optional<String> lastNonFiniteActivation() {
        return java.util.Optional.ofNullable(lastNonFiniteActivation);
    }

    @Override
    public TrainingLossReport readTrainingLoss() {
        checkOpen();
        return runner.readTrainingLoss();
    }

    @Override
    public EvalBatchOutput evaluate(Batch batch, boolean returnPredictions) {
        checkOpen();
        requireNonNull(batch, "batch is null");
        List<InputSpec> labelInputs = compiled.labels();
        List<String> presentLabels = labelInputs.stream().map(InputSpec::name).filter(batch::contains).toList();
        boolean withLabels = !labelInputs.isEmpty() && presentLabels.size() == labelInputs.size();
        if (!presentLabels.isEmpty() && !withLabels) {
            throw new IllegalArgumentException("the batch holds the labels " + presentLabels + " but not all of "
                    + labelInputs.stream().map(InputSpec::name).toList() + " that model '" + modelName
                    + "' declares; batch keys: " + batch.names());
        }
        if (withLabels && !runner.evaluationHasLoss()) {
            throw new IllegalArgumentException("model '" + modelName + "' returned no loss for the evaluation pass although"
                    + " the batch holds the labels " + presentLabels
                    + "; return ModelOutput.withLoss(lossSum, itemCount, outputs) when labels are given (or override computeLoss)");
        }
        Map<String, Operand<?>> predictions = returnPredictions
                ? (withLabels ? compiled.evaluation().predictions() : compiled.predictions()) : Map.of();
        if (!withLabels && predictions.isEmpty()) {
            TfInputFeeder.validate(modelName, compiled.features(), batch);
            return new EvalBatchOutput(0, 0, false, Map.of());
        }
        return runner.evaluate(batch, withLabels, predictions);
    }

    @Override
    public void resetOptimizer() {
        checkOpen();
        runner.runTargets(compiled.optimizerResets());
    }

    @Override
    public void save(Path directory, CheckpointScope scope) {
        checkOpen();
        runner.save(checkpoint(scope), directory);
    }

    @Override
    public void restore(Path directory, CheckpointScope scope) {
        checkOpen();
        runner.restore(checkpoint(scope), directory);
    }

    /** Writes a SavedModel of the prediction pass with the current weights; see {@link TfModelExporter}. */
    @Override
    public void exportModel(Path directory) {
        checkOpen();
        exporter.export(directory, weights -> compiled.modelCheckpoint().save(runner.session(), weights));
    }

    /**
     * Loads model variables from other weights ({@link WeightSources#open}: a TF bundle, safetensors, ONNX, a
     * {@code classpath:} resource); see {@link TfWeightInitializer}. A model that implements {@link HuggingFaceNamed}
     * takes Hugging Face names and layouts without renames ({@link HuggingFaceWeights#forModel}); the mapping's
     * renames and skips apply on top. The optimizer state is kept.
     */
    @Override
    public WeightMapping.Report initializeFrom(Path source, WeightMapping mapping) {
        checkOpen();
        requireNonNull(source, "source is null");
        requireNonNull(mapping, "mapping is null");
        if (weightInitializer == null) {
            weightInitializer = new TfWeightInitializer(graph, compiled.variables());
        }
        try (WeightSource weights = WeightSources.open(source)) {
            WeightSource named = model instanceof HuggingFaceNamed huggingFace
                    ? HuggingFaceWeights.forModel(weights, huggingFace) : weights;
            return weightInitializer.initialize(runner.session(), named, mapping);
        }
    }

    /**
     * Writes {@code model.safetensors} (Hugging Face names and layouts) and {@code config.json} of a model that
     * implements {@link HuggingFaceNamed}; nothing for other models.
     */
    @Override
    public List<String> savePretrained(Path directory) {
        checkOpen();
        requireNonNull(directory, "directory is null");
        if (!(model instanceof HuggingFaceNamed huggingFace)) {
            return List.of();
        }
        Map<String, float[]> values = runner.readVariables();
        Map<String, long[]> shapes = new java.util.LinkedHashMap<>();
        compiled.variables().forEach(variable -> shapes.put(variable.name(), variable.shape().asArray()));
        return HuggingFaceWeights.write(directory, huggingFace, values, shapes);
    }

    private TfCheckpoint checkpoint(CheckpointScope scope) {
        return switch (requireNonNull(scope, "scope is null")) {
            case MODEL -> compiled.modelCheckpoint();
            case FULL -> compiled.fullCheckpoint();
        };
    }

    // ---- issue 17: seq2seq: generation ----

    @Override
    public boolean generates() {
        return compiled.generation() != null;
    }

    @Override
    public GenerationConfig.Resolved generationConfig(GenerationConfig overrides) {
        TfGenerationGraph generation = requireGeneration();
        return generation.model().generationConfig().overriddenBy(requireNonNull(overrides, "overrides is null"))
                .resolve(generation.model().vocabularySize(), "generation-config");
    }

    @Override
    public List<int[]> generate(Batch batch, GenerationConfig overrides, long seed) {
        return generate(batch, overrides, seed, true);
    }

    /**
     * {@link #generate(Batch, GenerationConfig, long)}, or with {@code cached} false the uncached baseline: the
     * same graph run once per new token over the whole prefix (for the equivalence test and the speed bench).
     */
    public List<int[]> generate(Batch batch, GenerationConfig overrides, long seed, boolean cached) {
        checkOpen();
        requireNonNull(batch, "batch is null");
        GenerationConfig.Resolved config = generationConfig(overrides);
        int[][] ids = rows(batch, TransformerLm.INPUT_IDS, null);
        int[][] mask = rows(batch, TransformerLm.ATTENTION_MASK, ids);
        try {
            return new TfGenerator(runner.session(), requireGeneration()).generate(ids, mask, config, seed, cached);
        }
        catch (RuntimeException e) {
            if (TfErrors.isTensorFlowError(e)) {
                throw new BackendException("the generation graph of model '" + modelName + "'", "generation with model '"
                        + modelName + "' failed: " + e.getMessage(), e);
            }
            throw e;
        }
    }

    private TfGenerationGraph requireGeneration() {
        if (compiled.generation() == null) {
            throw new UnsupportedOperationException("model '" + modelName + "' does not generate; generation needs a"
                    + " model such as transformer-lm or transformer-seq2seq");
        }
        return compiled.generation();
    }

    /** The INT32 [rows, length] input {@code name} as rows; a missing attention mask is all ones like {@code like}. */
    private int[][] rows(Batch batch, String name, int[][] like) {
        if (!batch.contains(name)) {
            if (like != null) {
                int[][] ones = new int[like.length][];
                for (int row = 0; row < like.length; row++) {
                    ones[row] = new int[like[row].length];
                    java.util.Arrays.fill(ones[row], 1);
                }
                return ones;
            }
            throw new IllegalArgumentException("generation needs the input '" + name + "' (INT32 [rows, length]); batch"
                    + " keys: " + batch.names());
        }
        HostTensor tensor = batch.tensors().get(name);
        if (tensor.dataType() != DataType.INT32 || tensor.shape().length != 2) {
            throw new IllegalArgumentException("generation needs '" + name + "' as INT32 [rows, length], got "
                    + tensor.dataType() + java.util.Arrays.toString(tensor.shape()));
        }
        int rowCount = (int) tensor.shape()[0];
        int length = (int) tensor.shape()[1];
        int[] flat = tensor.ints();
        int[][] rows = new int[rowCount][];
        for (int row = 0; row < rowCount; row++) {
            rows[row] = java.util.Arrays.copyOfRange(flat, row * length, (row + 1) * length);
        }
        return rows;
    }

    // ------------------------------------------------------------------------------------------------ inspection

    /** The model variables by name (registry order). */
    public List<TfVariable> variables() {
        return compiled.variables();
    }

    /** The variables the loss depends on: the ones the optimizer updates (none when the graph cannot train). */
    public List<TfVariable> trainableVariables() {
        return compiled.training() instanceof TfTrainingGraph training ? training.trainable() : List.of();
    }

    /** Every model variable and engine state variable's value, by name (for tests and inspection). */
    public Map<String, float[]> readVariables() {
        checkOpen();
        return runner.readVariables();
    }

    /** The model variables' values by name, registry order (no optimizer or engine state). */
    @Override
    public Map<String, float[]> readModelWeights() {
        Map<String, float[]> all = readVariables();
        Map<String, float[]> model = new java.util.LinkedHashMap<>();
        for (TfVariable variable : compiled.variables()) {
            model.put(variable.name(), all.get(variable.name()));
        }
        return model;
    }

    /** The number of optimizer updates applied (non-finite steps do not count). */
    public long optimizerStep() {
        checkOpen();
        return runner.optimizerStep();
    }

    /**
     * Each model variable's device as placed by {@code device-map} ({@code strategy = model-parallel}), by variable
     * name in name order; empty otherwise.
     */
    @Override
    public Map<String, String> deviceMap() {
        if (!modelParallel) {
            return Map.of();
        }
        Map<String, String> placed = new java.util.TreeMap<>();
        for (TfVariable variable : compiled.variables()) {
            placed.put(variable.name(), ((org.tensorflow.GraphOperation) variable.ref().op()).device());
        }
        return java.util.Collections.unmodifiableMap(placed);
    }

    /** The device of each training replica, in turn ("" lets TensorFlow place the ops). */
    public TfDevices devices() {
        return devicePlan.devices();
    }

    /** Every device of the engine's session, by full name. */
    public List<String> sessionDevices() {
        return devicePlan.available();
    }

    /**
     * Runs one training step on {@code batch} with a full trace and returns the device each executed node ran on,
     * by node name, from the run metadata's step stats (the step is applied like any other).
     */
    public Map<String, String> traceStepPlacement(Batch batch, StepContext context) {
        checkOpen();
        TfUpdateStep update = requireTraining().step();
        return runner.traceTraining(update.target(), batch, context);
    }

    /**
     * Runs one training step on {@code batch} (applied like any other) and returns the graphs TensorFlow executed,
     * one per device, after grappler's rewrites (e.g. the half-precision ops of {@code bf16}).
     */
    public List<org.tensorflow.proto.GraphDef> traceStepGraphs(Batch batch, StepContext context) {
        checkOpen();
        return runner.traceRun(requireTraining().step().target(), batch, context).getPartitionGraphsList();
    }

    /**
     * Runs one training step on {@code batch} (applied like any other) with {@code FULL_TRACE} and returns its run
     * metadata: the node times of the step as the engine runs it (its session, threads and fed random bits).
     */
    public org.tensorflow.proto.RunMetadata traceStep(Batch batch, StepContext context) {
        checkOpen();
        return runner.traceRun(requireTraining().step().target(), batch, context);
    }

    /** The fp16 dynamic loss scale, or NaN without {@code fp16}. */
    public double lossScale() {
        checkOpen();
        return runner.readVariables().getOrDefault("trainer4j/loss_scale/scale", new float[] {Float.NaN})[0];
    }

    /** The thread settings in effect. */
    public TfThreadChoice threadSettings() {
        return compiled.threads();
    }

    /** The graph, for extensions that add ops (export, summaries); do not close it. */
    public Graph graph() {
        return graph;
    }

    private TfTrainingGraph requireTraining() {
        if (compiled.training() instanceof TfTrainingGraph training) {
            return training;
        }
        throw new IllegalArgumentException(((InferenceOnly) compiled.training()).reason());
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the engine of model '" + modelName + "' is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try (graph; runner) {
            LOG.debug("closing the tensorflow engine of model '{}' (seed {})", modelName, compiled.seed());
        }
    }
}
