package dev.trainer4j.tf;

import dev.trainer4j.api.BackendException;
import dev.trainer4j.api.Batch;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.api.WeightMapping;
import dev.trainer4j.spi.CheckpointScope;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.EvalBatchOutput;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.spi.StepOutcome;
import dev.trainer4j.spi.TrainingEngine;
import dev.trainer4j.spi.TrainingLossReport;
import dev.trainer4j.tf.internal.TfBuildScope;
import dev.trainer4j.tf.internal.TfInputFeeder;
import dev.trainer4j.tf.internal.TfOneDnn;
import dev.trainer4j.tf.internal.TfStateVariable;
import dev.trainer4j.tf.internal.TfThreadSettings;
import dev.trainer4j.tf.internal.TfVariableStore;
import dev.trainer4j.tf.internal.TfVariableStore.StateGroup;
import dev.trainer4j.tf.io.TfCheckpoint;
import dev.trainer4j.tf.io.TfModelExporter;
import dev.trainer4j.tf.io.TfWeightInitializer;
import dev.trainer4j.tf.optim.TfOptimizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.math.Add;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * The compiled run of a {@link TfModel}: one {@link Graph} and one {@link Session}, built once at compile.
 *
 * <p>The graph holds: one placeholder per declared input (batch dimension -1); the training forward pass (dropout
 * on), the evaluation pass (with labels) and the prediction pass (without), sharing the variables; gradients of the
 * loss <b>sum</b> by {@code Graph.addGradients} over the reachable model variables (read through identity); and
 * two update paths: a fused step (forward + backward + update in one {@code Session.run}) and, when
 * {@code gradient-accumulation-steps > 1}, an accumulate op plus a step that adds the accumulated sums. An update
 * divides the gradient sum by the window's item count, clips by global norm ({@code max-grad-norm}, torch's rule),
 * and runs the optimizer behind a finite gate: a {@code Switch} on "loss and global norm are finite" makes every
 * update op dead on a non-finite step, so no weight, slot or counter is written. In-graph float64 accumulators
 * keep the running loss, read by {@link #readTrainingLoss()}.
 *
 * <p>Not thread-safe. Close it to free the session, graph and every cached tensor.
 */
public final class TfTrainingEngine implements TrainingEngine {
    private static final Logger LOG = LoggerFactory.getLogger(TfTrainingEngine.class);
    private static final int RUNNER_CACHE_SIZE = 32;

    private final String modelName;
    private final long seed;
    private final Graph graph;
    private final Session session;
    private final TfVariableStore store;
    private final List<InputSpec> allInputs;
    private final List<InputSpec> featureInputs;
    private final List<InputSpec> labelInputs;
    private final Map<String, Placeholder<?>> placeholders;
    private final Placeholder<TFloat32> learningRate;
    private final Operand<TInt64> randomKey;
    private final TFloat32 learningRateTensor;
    private final TInt64 randomKeyTensor;
    private final Graphs graphs;
    private final TfCheckpoint modelCheckpoint;
    private final TfCheckpoint fullCheckpoint;
    private final TfInputFeeder feeder = new TfInputFeeder();
    private final Map<RunnerKey, Session.Runner> runners = new LinkedHashMap<>(16, 0.75f, true);
    private final TfThreadSettings threads;
    private long seenEvictions;
    /** The fed tensors of the current training run (reused: no per-step list). */
    private final Tensor[] trainingTensors;
    /** The last training runner and what it feeds: a step with the same path and tensors skips the cache lookup. */
    private String lastPath;
    private Tensor[] lastTensors;
    private Session.Runner lastRunner;
    /** Reads and resets the running loss (built on first use, then reused). */
    private Session.Runner trainingLossRunner;
    private boolean closed;
    /** Set once by {@link #compile}: what {@link #exportModel} rebuilds; the weight loader is built on first use. */
    private TfModelExporter exporter;
    private TfWeightInitializer weightInitializer;

    /** What the graph builder produced. */
    private static final class Graphs {
        String missingLossReason;
        String optimizerName = "none";
        List<TfVariable> trainable = List.of();
        Op fusedStep;
        Operand<TBool> fusedFinite;
        Op accumulate;
        Op accumulatedStep;
        Operand<TBool> accumulatedFinite;
        Operand<TFloat32> evalLossSum;
        Operand<TFloat32> evalItemCount;
        Map<String, Operand<?>> evalPredictions = Map.of();
        Map<String, Operand<?>> predictPredictions = Map.of();
        TfStateVariable<TFloat64> lossSum;
        TfStateVariable<TInt64> lossSteps;
        TfStateVariable<TFloat64> lastGradNorm;
        TfStateVariable<TInt64> step;
        /** The running loss read and reset in one run: copies of the three metrics, and the resets ordered after them. */
        List<Operand<?>> trainingLossValues;
        Op trainingLossReset;
    }

    private TfTrainingEngine(String modelName, long seed, Graph graph, TfVariableStore store, List<InputSpec> allInputs,
                             List<InputSpec> labelInputs, Map<String, Placeholder<?>> placeholders,
                             Placeholder<TFloat32> learningRate, Operand<TInt64> randomKey, Graphs graphs,
                             TfCheckpoint modelCheckpoint, TfCheckpoint fullCheckpoint, TfThreadSettings threads) {
        this.modelName = modelName;
        this.seed = seed;
        this.graph = graph;
        this.store = store;
        this.allInputs = List.copyOf(allInputs);
        this.labelInputs = List.copyOf(labelInputs);
        this.featureInputs = allInputs.stream().filter(spec -> !labelInputs.contains(spec)).toList();
        this.placeholders = Map.copyOf(placeholders);
        this.learningRate = learningRate;
        this.randomKey = randomKey;
        this.graphs = graphs;
        this.modelCheckpoint = modelCheckpoint;
        this.fullCheckpoint = fullCheckpoint;
        this.threads = threads;
        this.trainingTensors = new Tensor[this.allInputs.size()];
        ConfigProto config = ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(threads.intraOp())
                .setInterOpParallelismThreads(threads.interOp())
                .build();
        Session created = new Session(graph, false, config);
        try {
            created.initialize();
        }
        catch (RuntimeException e) {
            created.close();
            throw e;
        }
        this.session = created;
        this.learningRateTensor = TFloat32.scalarOf(0f);
        this.randomKeyTensor = TInt64.vectorOf(seed, 0L, 0L);
    }

    /** Builds the graph for {@code model} and opens its session. */
    static TfTrainingEngine compile(TfModel model, TrainingArguments args, EngineOptions options, TfTrainerHooks hooks,
                                    TfReplica replica) {
        Graph graph = new Graph();
        TfTrainingEngine engine;
        try {
            engine = build(graph, model, args, options, hooks, replica);
        }
        catch (TensorFlowException e) {
            graph.close();
            throw new BackendException("the graph of model '" + model.name() + "'", "building the graph of model '"
                    + model.name() + "' failed: " + e.getMessage() + " (an op of the model or of a custom computeLoss may"
                    + " lack a kernel or a registered gradient in TensorFlow Java 1.1.0)", e);
        }
        catch (RuntimeException | Error e) {
            graph.close();
            throw e;
        }
        // from here the session is open: a failure must close the engine (session first), since closing only the
        // graph would wait forever for the session
        try {
            engine.exporter = new TfModelExporter(model, engine.featureInputs);
            return engine;
        }
        catch (RuntimeException | Error e) {
            engine.close();
            throw e;
        }
    }

    private static TfTrainingEngine build(Graph graph, TfModel model, TrainingArguments args, EngineOptions options,
                                          TfTrainerHooks hooks, TfReplica replica) {
        Ops root = Ops.create(graph);
        Ops engine = root.withSubScope("trainer4j");
        TfVariableStore store = new TfVariableStore(graph, root, args.seed());

        List<InputSpec> inputs = List.copyOf(model.inputs());
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("model '" + model.name() + "' declares no inputs");
        }
        Set<String> labelNames = new HashSet<>(options.labelNames().isEmpty() ? model.labelNames() : options.labelNames());
        List<InputSpec> labels = inputs.stream().filter(spec -> labelNames.contains(spec.name()) || spec.label()).toList();

        Ops inputOps = engine.withSubScope("inputs");
        Map<String, Placeholder<?>> placeholders = new LinkedHashMap<>();
        for (InputSpec spec : inputs) {
            if (placeholders.containsKey(spec.name())) {
                throw new IllegalArgumentException("model '" + model.name() + "' declares input '" + spec.name() + "' twice");
            }
            Ops named = isValidOpName(spec.name()) ? inputOps.withName(spec.name()) : inputOps;
            placeholders.put(spec.name(), named.placeholder(TfInputFeeder.tensorType(spec.dataType()),
                    Placeholder.shape(Shape.of(spec.shape()))));
        }
        Placeholder<TFloat32> learningRate = engine.withName("learning_rate")
                .placeholder(TFloat32.class, Placeholder.shape(Shape.scalar()));
        Operand<TInt64> randomKey = engine.withName("random_key")
                .placeholderWithDefault(engine.constant(new long[] {args.seed(), 0L, 0L}), Shape.of(3));

        Map<String, Operand<?>> allFeeds = new LinkedHashMap<>(placeholders);
        Map<String, Operand<?>> featureFeeds = new LinkedHashMap<>(placeholders);
        labels.forEach(spec -> featureFeeds.remove(spec.name()));

        Graphs graphs = new Graphs();
        graphs.lossSum = store.state("trainer4j/metrics/loss_sum", TFloat64.class, Shape.scalar(), StateGroup.METRICS,
                tf -> tf.constant(0.0));
        graphs.lossSteps = store.state("trainer4j/metrics/loss_steps", TInt64.class, Shape.scalar(), StateGroup.METRICS,
                tf -> tf.constant(0L));
        graphs.lastGradNorm = store.state("trainer4j/metrics/last_grad_norm", TFloat64.class, Shape.scalar(),
                StateGroup.METRICS, tf -> tf.constant(Double.NaN));
        graphs.step = store.state("trainer4j/optimizer/step", TInt64.class, Shape.scalar(), StateGroup.OPTIMIZER,
                tf -> tf.constant(0L));
        buildTrainingLossRead(engine.withSubScope("read_training_loss"), graphs);

        // evaluation pass (labels given) and prediction pass (no labels)
        Ops evalOps = passOps(root, replica, "forward_eval");
        ModelOutput<Operand<?>> eval = requireNonNull(
                model.build(new TfBuildScope(evalOps, false, store, randomKey), allFeeds),
                () -> "model '" + model.name() + "' returned no output");
        if (!labels.isEmpty()) {
            eval = requireNonNull(hooks.computeLoss(eval, allFeeds, evalOps), "computeLoss returned null");
        }
        if (eval.hasLoss()) {
            graphs.evalLossSum = scalarFloat(evalOps, eval.lossSum().orElseThrow(), "loss sum", model.name());
            graphs.evalItemCount = scalarFloat(evalOps, eval.itemCount().orElseThrow(), "item count", model.name());
        }
        graphs.evalPredictions = hostOutputs(evalOps, hooks.predictionStep(eval, allFeeds, evalOps), model.name());
        if (!labels.isEmpty()) {
            Ops predictOps = passOps(root, replica, "forward_predict");
            ModelOutput<Operand<?>> predict = requireNonNull(
                    model.build(new TfBuildScope(predictOps, false, store, randomKey), featureFeeds),
                    () -> "model '" + model.name() + "' returned no output");
            graphs.predictPredictions = hostOutputs(predictOps, hooks.predictionStep(predict, featureFeeds, predictOps), model.name());
        }
        else {
            graphs.predictPredictions = graphs.evalPredictions;
        }

        // training pass: the variables exist now, so the step's size decides the threads and the towers
        String rowCoupling = rowCoupling(model, !labels.isEmpty() && !hooks.lossRowIndependent());
        TfThreadSettings threads = TfThreadSettings.choose(args, store.parameterCount(),
                Runtime.getRuntime().availableProcessors(), rowCoupling);
        List<Map<String, Operand<?>>> towerFeeds = threads.towers() == 1
                ? List.of(allFeeds)
                : splitRows(engine.withSubScope("towers"), allFeeds, inputs, threads.towers());
        List<Operand<TFloat32>> towerLossSums = new ArrayList<>();
        List<Operand<TFloat32>> towerItemCounts = new ArrayList<>();
        for (int tower = 0; tower < towerFeeds.size(); tower++) {
            Ops trainOps = passOps(root, replica, towerFeeds.size() == 1 ? "forward_train" : "forward_train_tower_" + tower);
            Map<String, Operand<?>> feeds = towerFeeds.get(tower);
            ModelOutput<Operand<?>> train = requireNonNull(
                    model.build(new TfBuildScope(trainOps, true, store, randomKey, tower), feeds),
                    () -> "model '" + model.name() + "' returned no output");
            if (!labels.isEmpty()) {
                train = requireNonNull(hooks.computeLoss(train, feeds, trainOps), "computeLoss returned null");
            }
            if (!train.hasLoss()) {
                graphs.missingLossReason = "model '" + model.name() + "' returned no loss for the training pass although"
                        + " the inputs hold the labels " + labels.stream().map(InputSpec::name).toList()
                        + "; return ModelOutput.withLoss(lossSum, itemCount, outputs) when labels are given (or override computeLoss)";
                break;
            }
            towerLossSums.add(scalarFloat(engine, train.lossSum().orElseThrow(), "loss sum", model.name()));
            towerItemCounts.add(scalarFloat(engine, train.itemCount().orElseThrow(), "item count", model.name()));
        }
        if (graphs.missingLossReason == null) {
            Ops sums = engine.withSubScope("tower_sums");
            buildTraining(graph, engine, store, args, hooks, graphs, model.name(),
                    towerLossSums.size() == 1 ? towerLossSums.get(0) : sums.math.addN(towerLossSums),
                    towerItemCounts.size() == 1 ? towerItemCounts.get(0) : sums.math.addN(towerItemCounts),
                    learningRate);
        }

        // checkpoints
        List<TfCheckpoint.Entry> modelEntries = new ArrayList<>();
        for (TfVariable variable : store.variables()) {
            modelEntries.add(new TfCheckpoint.Entry(variable.name(), TFloat32.class, variable.ref(), variable.read()));
        }
        List<TfCheckpoint.Entry> fullEntries = new ArrayList<>(modelEntries);
        for (StateGroup group : List.of(StateGroup.OPTIMIZER, StateGroup.METRICS)) {
            for (TfStateVariable<?> state : store.states(group)) {
                fullEntries.add(new TfCheckpoint.Entry(state.name(), state.type(), state.ref(), state.read()));
            }
        }
        if (modelEntries.isEmpty()) {
            throw new IllegalArgumentException("model '" + model.name() + "' created no variables");
        }
        Ops checkpointOps = engine.withSubScope("checkpoint");
        TfCheckpoint modelCheckpoint = new TfCheckpoint(checkpointOps, "model", modelEntries);
        TfCheckpoint fullCheckpoint = new TfCheckpoint(checkpointOps, "full", fullEntries);

        LOG.info("tensorflow engine for model '{}': {} parameters in {} variables ({} trainable), optimizer {},"
                        + " intra-op threads {}, inter-op threads {}, training towers {} ({}){}; {}",
                model.name(), store.parameterCount(), store.variables().size(), graphs.trainable.size(),
                graphs.optimizerName, threads.intraOp(), threads.interOp(), threads.towers(),
                threads.reason(), threads.overrideGlobalThreadPoolSet() ? ""
                        : "; TF_OVERRIDE_GLOBAL_THREADPOOL is not true, so the process-wide pools may ignore these",
                TfOneDnn.describe());
        return new TfTrainingEngine(model.name(), args.seed(), graph, store, inputs, labels, placeholders, learningRate,
                randomKey, graphs, modelCheckpoint, fullCheckpoint, threads);
    }

    /**
     * The running loss read and reset in one run. The values are computed copies (not identities, which share the
     * variables' buffers), and the resets wait for them.
     */
    private static void buildTrainingLossRead(Ops ops, Graphs graphs) {
        Operand<TFloat64> lossSum = ops.math.add(graphs.lossSum.read(), ops.constant(0.0));
        Operand<TInt64> lossSteps = ops.math.add(graphs.lossSteps.read(), ops.constant(0L));
        Operand<TFloat64> lastGradNorm = ops.math.add(graphs.lastGradNorm.read(), ops.constant(0.0));
        Ops afterReads = ops.withControlDependencies(List.of(lossSum, lossSteps, lastGradNorm));
        graphs.trainingLossValues = List.of(lossSum, lossSteps, lastGradNorm);
        graphs.trainingLossReset = afterReads.withControlDependencies(List.of(graphs.lossSum.resetUnder(afterReads),
                graphs.lossSteps.resetUnder(afterReads), graphs.lastGradNorm.resetUnder(afterReads))).noOp();
    }

    /** Why a training batch must stay whole, or null when it may be split into row slices (towers). */
    private static String rowCoupling(TfModel model, boolean lossOverridden) {
        if (!model.rowIndependent()) {
            return "model '" + model.name() + "' does not declare its rows independent (TfModel.rowIndependent() is"
                    + " false; override it if no output or loss term of the model couples rows)";
        }
        if (lossOverridden) {
            return "computeLoss is overridden and may couple rows (override TfTrainerHooks.lossRowIndependent() to"
                    + " return true if it only sums per-row terms)";
        }
        return null;
    }

    /**
     * Splits every input along its batch dimension (the first, as {@link InputSpec} requires) into {@code towers} row
     * slices: tower t gets rows [n*t/towers, n*(t+1)/towers) of a batch of n rows, so any batch size works (a tower of
     * a batch smaller than the tower count may be empty).
     */
    private static List<Map<String, Operand<?>>> splitRows(Ops ops, Map<String, Operand<?>> feeds, List<InputSpec> inputs,
                                                          int towers) {
        Operand<?> first = feeds.get(inputs.get(0).name());
        Operand<TInt32> rows = ops.gather(ops.shape(first, TInt32.class), ops.constant(0), ops.constant(0));
        List<Operand<TInt32>> sizes = new ArrayList<>();
        Operand<TInt32> begin = ops.constant(0);
        for (int tower = 0; tower < towers; tower++) {
            Operand<TInt32> end = tower == towers - 1 ? rows
                    : ops.math.floorDiv(ops.math.mul(rows, ops.constant(tower + 1)), ops.constant(towers));
            sizes.add(ops.math.sub(end, begin));
            begin = end;
        }
        Operand<TInt32> sizeSplits = ops.stack(sizes);
        List<Map<String, Operand<?>>> slices = new ArrayList<>();
        for (int tower = 0; tower < towers; tower++) {
            slices.add(new LinkedHashMap<>());
        }
        for (InputSpec spec : inputs) {
            List<? extends Output<?>> parts = splitInput(ops, feeds.get(spec.name()), sizeSplits, towers);
            for (int tower = 0; tower < towers; tower++) {
                slices.get(tower).put(spec.name(), parts.get(tower));
            }
        }
        return slices;
    }

    private static <T extends TType> List<Output<T>> splitInput(Ops ops, Operand<T> input, Operand<TInt32> sizes, int towers) {
        return ops.splitV(input, sizes, ops.constant(0), (long) towers).output();
    }

    private static Ops passOps(Ops root, TfReplica replica, String pass) {
        Ops ops = root.withSubScope(replica.name()).withSubScope(pass);
        return replica.device().map(ops::withDevice).orElse(ops);
    }

    private static void buildTraining(Graph graph, Ops engine, TfVariableStore store, TrainingArguments args,
                                      TfTrainerHooks hooks, Graphs graphs, String modelName,
                                      Operand<TFloat32> lossSum, Operand<TFloat32> itemCount,
                                      Operand<TFloat32> learningRate) {
        Set<String> reachable = new HashSet<>();
        for (GraphOperation op : graph.subgraphTo(Set.of(lossSum))) {
            reachable.add(op.name());
        }
        List<TfVariable> trainable = store.variables().stream()
                .filter(variable -> reachable.contains(variable.read().op().name()))
                .toList();
        if (trainable.isEmpty()) {
            throw new IllegalArgumentException("the loss of model '" + modelName + "' depends on none of its variables "
                    + store.variables().stream().map(TfVariable::name).toList());
        }
        graphs.trainable = trainable;
        Output<?>[] xs = trainable.stream().map(variable -> variable.read().asOutput()).toArray(Output<?>[]::new);
        Output<?>[] dys = graph.addGradients("trainer4j_gradients", new Output<?>[] {lossSum.asOutput()}, xs, null);
        List<Operand<TFloat32>> gradientSums = new ArrayList<>();
        for (int i = 0; i < dys.length; i++) {
            if (dys[i] == null) {
                throw new IllegalStateException("no gradient for variable '" + trainable.get(i).name() + "'");
            }
            @SuppressWarnings("unchecked")
            Output<TFloat32> gradient = (Output<TFloat32>) dys[i];
            gradientSums.add(gradient);
        }

        TfOptimizer optimizer = requireNonNull(hooks.createOptimizer(args), "createOptimizer returned null");
        graphs.optimizerName = optimizer.name();
        optimizer.createSlots((variable, slot) -> store.state("optimizer/" + variable.name() + "/" + slot, TFloat32.class,
                variable.shape(), StateGroup.OPTIMIZER,
                tf -> tf.zeros(tf.constant(variable.shape()), TFloat32.class)).ref(), trainable);

        UpdatePath fused = buildUpdate(engine.withSubScope("step"), trainable, gradientSums, lossSum, itemCount,
                learningRate, optimizer, args, graphs, List.of());
        graphs.fusedStep = fused.target();
        graphs.fusedFinite = fused.finite();

        if (args.gradientAccumulationSteps() > 1) {
            Ops ops = engine.withSubScope("accumulate");
            List<TfStateVariable<TFloat32>> buffers = new ArrayList<>();
            for (TfVariable variable : trainable) {
                buffers.add(store.state("trainer4j/accumulation/" + variable.name(), TFloat32.class, variable.shape(),
                        StateGroup.ACCUMULATION, tf -> tf.zeros(tf.constant(variable.shape()), TFloat32.class)));
            }
            TfStateVariable<TFloat32> lossBuffer = store.state("trainer4j/accumulation/loss_sum", TFloat32.class,
                    Shape.scalar(), StateGroup.ACCUMULATION, tf -> tf.constant(0f));
            TfStateVariable<TFloat32> countBuffer = store.state("trainer4j/accumulation/item_count", TFloat32.class,
                    Shape.scalar(), StateGroup.ACCUMULATION, tf -> tf.constant(0f));
            List<Op> adds = new ArrayList<>();
            for (int i = 0; i < trainable.size(); i++) {
                adds.add(ops.assignAdd(buffers.get(i).ref(), gradientSums.get(i)));
            }
            adds.add(ops.assignAdd(lossBuffer.ref(), lossSum));
            adds.add(ops.assignAdd(countBuffer.ref(), itemCount));
            graphs.accumulate = ops.withControlDependencies(adds).noOp();

            Ops stepOps = engine.withSubScope("step_accumulated");
            List<Operand<TFloat32>> totals = new ArrayList<>();
            List<Op> readers = new ArrayList<>();
            for (int i = 0; i < trainable.size(); i++) {
                Add<TFloat32> total = stepOps.math.add(buffers.get(i).read(), gradientSums.get(i));
                totals.add(total);
                readers.add(total);
            }
            Add<TFloat32> totalLoss = stepOps.math.add(lossBuffer.read(), lossSum);
            Add<TFloat32> totalCount = stepOps.math.add(countBuffer.read(), itemCount);
            readers.add(totalLoss);
            readers.add(totalCount);
            Ops afterReads = stepOps.withControlDependencies(readers);
            List<Op> zeroing = new ArrayList<>();
            for (TfStateVariable<TFloat32> buffer : buffers) {
                zeroing.add(afterReads.assign(buffer.ref(), afterReads.zeros(afterReads.constant(buffer.shape()), TFloat32.class)));
            }
            zeroing.add(afterReads.assign(lossBuffer.ref(), afterReads.constant(0f)));
            zeroing.add(afterReads.assign(countBuffer.ref(), afterReads.constant(0f)));
            UpdatePath accumulated = buildUpdate(stepOps, trainable, totals, totalLoss, totalCount, learningRate, optimizer,
                    args, graphs, zeroing);
            graphs.accumulatedStep = accumulated.target();
            graphs.accumulatedFinite = accumulated.finite();
        }
    }

    private record UpdatePath(Op target, Operand<TBool> finite) {
    }

    private static UpdatePath buildUpdate(Ops ops, List<TfVariable> variables, List<Operand<TFloat32>> gradientSums,
                                          Operand<TFloat32> lossSum, Operand<TFloat32> itemCount,
                                          Operand<TFloat32> learningRate, TfOptimizer optimizer, TrainingArguments args,
                                          Graphs graphs, List<Op> alwaysAfter) {
        Operand<TFloat32> inverseCount = ops.math.div(ops.constant(1f), itemCount);
        List<Operand<TFloat32>> gradients = new ArrayList<>();
        // L2Loss (sum(g^2)/2) is one pass over each gradient; Square + Sum wrote and re-read a squared copy of every
        // gradient (7 MB a step on mlp-large). Doubling is exact, so the norm is the same sum in one kernel.
        List<Operand<TFloat32>> halfSquares = new ArrayList<>();
        for (Operand<TFloat32> gradientSum : gradientSums) {
            Operand<TFloat32> gradient = ops.math.mul(gradientSum, inverseCount);
            gradients.add(gradient);
            halfSquares.add(ops.nn.l2Loss(gradient));
        }
        Operand<TFloat32> halfSquareSum = halfSquares.size() == 1 ? halfSquares.get(0) : ops.math.addN(halfSquares);
        Operand<TFloat32> norm = ops.math.sqrt(ops.math.mul(halfSquareSum, ops.constant(2f)));
        Operand<TFloat32> meanLoss = ops.math.mul(lossSum, inverseCount);
        Operand<TBool> finite = ops.withName("finite").math.logicalAnd(ops.math.isFinite(meanLoss), ops.math.isFinite(norm));
        if (args.maxGradNorm() > 0) {
            Operand<TFloat32> coefficient = ops.math.minimum(
                    ops.math.div(ops.constant((float) args.maxGradNorm()), ops.math.add(norm, ops.constant(1e-6f))),
                    ops.constant(1f));
            List<Operand<TFloat32>> clipped = new ArrayList<>();
            for (Operand<TFloat32> gradient : gradients) {
                clipped.add(ops.math.mul(gradient, coefficient));
            }
            gradients = clipped;
        }
        // the gate: every op built with `gated` is dead (never runs) unless the step is finite
        Operand<TBool> pivot = ops.withName("finite_gate").identity(ops.switchCond(finite, finite).outputTrue());
        Ops gated = ops.withControlDependencies(List.of(pivot)).withSubScope("update");
        // the step number is read before any update of this run (the updates depend on it; the counter's assign runs
        // after them), so it and the optimizer's scalars need not wait for the gate
        Operand<TInt64> stepNumber = ops.math.add(graphs.step.read(), ops.constant(1L));
        List<Op> updates = optimizer.buildUpdates(gated, ops.withSubScope("optimizer_scalars"), variables, gradients,
                learningRate, stepNumber);
        List<Op> targets = new ArrayList<>();
        targets.add(gated.withControlDependencies(updates).assign(graphs.step.ref(), stepNumber));
        targets.add(ops.assignAdd(graphs.lossSum.ref(),
                ops.select(finite, ops.dtypes.cast(meanLoss, TFloat64.class), ops.constant(0.0))));
        targets.add(ops.assignAdd(graphs.lossSteps.ref(), ops.select(finite, ops.constant(1L), ops.constant(0L))));
        targets.add(ops.assign(graphs.lastGradNorm.ref(), ops.dtypes.cast(norm, TFloat64.class)));
        targets.addAll(alwaysAfter);
        return new UpdatePath(ops.withControlDependencies(targets).noOp(), finite);
    }

    @SuppressWarnings("unchecked")
    private static Operand<TFloat32> scalarFloat(Ops ops, Operand<?> operand, String what, String modelName) {
        Shape shape = operand.shape();
        if (!shape.isUnknown() && shape.numDimensions() != 0) {
            throw new IllegalArgumentException("model '" + modelName + "' returned a " + what + " of shape " + shape
                    + "; it must be a scalar (the sum over items, not per-item values)");
        }
        if (operand.type() == TFloat32.class) {
            return (Operand<TFloat32>) operand;
        }
        return ops.dtypes.cast(operand, TFloat32.class);
    }

    private static Map<String, Operand<?>> hostOutputs(Ops ops, Map<String, Operand<?>> outputs, String modelName) {
        Map<String, Operand<?>> converted = new LinkedHashMap<>();
        requireNonNull(outputs, "predictionStep returned null").forEach((name, operand) -> {
            Class<?> type = operand.type();
            if (type == TFloat32.class || type == TFloat64.class || type == TInt32.class || type == TInt64.class) {
                converted.put(name, operand);
            }
            else if (type == TBool.class) {
                converted.put(name, ops.dtypes.cast(operand, TInt32.class));
            }
            else if (type == TFloat16.class || type == TBfloat16.class) {
                converted.put(name, ops.dtypes.cast(operand, TFloat32.class));
            }
            else {
                throw new IllegalArgumentException("output '" + name + "' of model '" + modelName + "' has type "
                        + type.getSimpleName() + ", which cannot be returned to the host");
            }
        });
        return converted;
    }

    private static boolean isValidOpName(String name) {
        return name.matches("[A-Za-z0-9.][A-Za-z0-9_.\\-]*");
    }

    // ------------------------------------------------------------------------------------------------ running

    @Override
    public void accumulate(Batch microBatch, StepContext context) {
        checkOpen();
        requireTraining();
        if (graphs.accumulate == null) {
            throw new IllegalStateException("accumulate() needs gradient-accumulation-steps > 1 at compile time"
                    + " (the engine was compiled with 1)");
        }
        runTraining("accumulate", graphs.accumulate, null, microBatch, context).close();
    }

    @Override
    public StepOutcome step(Batch lastMicroBatch, StepContext context) {
        checkOpen();
        requireTraining();
        boolean windowed = context.microSteps() > 1;
        if (windowed && graphs.accumulatedStep == null) {
            throw new IllegalStateException("a window of " + context.microSteps() + " micro-batches needs"
                    + " gradient-accumulation-steps > 1 at compile time (the engine was compiled with 1)");
        }
        Op target = windowed ? graphs.accumulatedStep : graphs.fusedStep;
        Operand<TBool> finite = windowed ? graphs.accumulatedFinite : graphs.fusedFinite;
        try (Result result = runTraining(windowed ? "step_accumulated" : "step", target, finite, lastMicroBatch, context)) {
            return ((TBool) result.get(0)).getBoolean() ? StepOutcome.FINITE : StepOutcome.NON_FINITE;
        }
    }

    private Result runTraining(String path, Op target, Operand<TBool> fetch, Batch batch, StepContext context) {
        requireNonNull(batch, "batch is null");
        requireNonNull(context, "context is null");
        TfInputFeeder.validate(modelName, allInputs, batch);
        Tensor[] tensors = trainingTensors;
        for (int i = 0; i < tensors.length; i++) {
            String name = allInputs.get(i).name();
            tensors[i] = feeder.tensor(name, batch.get(name));
        }
        learningRateTensor.setFloat((float) context.learningRate());
        randomKeyTensor.setLong(context.seed(), 0);
        randomKeyTensor.setLong(context.globalStep(), 1);
        randomKeyTensor.setLong(context.microStep(), 2);
        Session.Runner runner = runner(path, tensors, target, fetch);
        try {
            return runner.run();
        }
        catch (TensorFlowException e) {
            throw new BackendException("training step " + context.globalStep() + " of model '" + modelName + "'",
                    "training " + path + " of model '" + modelName + "' failed at step " + context.globalStep()
                    + " (micro-step " + context.microStep() + "): " + e.getMessage(), e);
        }
    }

    private Session.Runner runner(String path, Tensor[] tensors, Op target, Operand<TBool> fetch) {
        if (feeder.evictions() != seenEvictions) {
            runners.clear();
            lastRunner = null;
            seenEvictions = feeder.evictions();
        }
        // the usual step: same path, same cached input tensors as the previous one (no key, no lookup)
        if (lastRunner != null && path.equals(lastPath) && sameTensors(tensors, lastTensors)) {
            return lastRunner;
        }
        RunnerKey key = new RunnerKey(path, Arrays.asList(tensors));
        Session.Runner runner = runners.get(key);
        if (runner == null) {
            runner = session.runner();
            for (int i = 0; i < allInputs.size(); i++) {
                runner.feed(placeholders.get(allInputs.get(i).name()), tensors[i]);
            }
            runner.feed(learningRate, learningRateTensor).feed(randomKey, randomKeyTensor).addTarget(target);
            if (fetch != null) {
                runner.fetch(fetch);
            }
            runners.put(key, runner);
            if (runners.size() > RUNNER_CACHE_SIZE) {
                runners.remove(runners.keySet().iterator().next());
            }
        }
        lastPath = path;
        lastTensors = tensors.clone();
        lastRunner = runner;
        return runner;
    }

    private static boolean sameTensors(Tensor[] tensors, Tensor[] previous) {
        for (int i = 0; i < tensors.length; i++) {
            if (tensors[i] != previous[i]) {
                return false;
            }
        }
        return true;
    }

    /** A runner cache key: the path and the identity of the fed tensors. */
    private static final class RunnerKey {
        private final String path;
        private final List<Tensor> tensors;
        private final int hash;

        RunnerKey(String path, List<Tensor> tensors) {
            this.path = path;
            this.tensors = List.copyOf(tensors);
            int h = path.hashCode();
            for (Tensor tensor : tensors) {
                h = h * 31 + System.identityHashCode(tensor);
            }
            this.hash = h;
        }

        @Override
        public boolean equals(Object other) {
            if (!(other instanceof RunnerKey key) || !key.path.equals(path) || key.tensors.size() != tensors.size()) {
                return false;
            }
            for (int i = 0; i < tensors.size(); i++) {
                if (key.tensors.get(i) != tensors.get(i)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    @Override
    public TrainingLossReport readTrainingLoss() {
        checkOpen();
        double lossSum;
        long steps;
        double lastGradNorm;
        if (trainingLossRunner == null) {
            Session.Runner runner = session.runner().addTarget(graphs.trainingLossReset);
            graphs.trainingLossValues.forEach(runner::fetch);
            trainingLossRunner = runner;
        }
        try (Result result = trainingLossRunner.run()) {
            lossSum = ((TFloat64) result.get(0)).getDouble();
            steps = ((TInt64) result.get(1)).getLong();
            lastGradNorm = ((TFloat64) result.get(2)).getDouble();
        }
        return new TrainingLossReport(lossSum, steps, lastGradNorm);
    }

    @Override
    public EvalBatchOutput evaluate(Batch batch, boolean returnPredictions) {
        checkOpen();
        requireNonNull(batch, "batch is null");
        List<String> presentLabels = labelInputs.stream().map(InputSpec::name).filter(batch::contains).toList();
        boolean withLabels = !labelInputs.isEmpty() && presentLabels.size() == labelInputs.size();
        if (!presentLabels.isEmpty() && !withLabels) {
            throw new IllegalArgumentException("the batch holds the labels " + presentLabels + " but not all of "
                    + labelInputs.stream().map(InputSpec::name).toList() + " that model '" + modelName
                    + "' declares; batch keys: " + batch.names());
        }
        if (withLabels && graphs.evalLossSum == null) {
            throw new IllegalArgumentException("model '" + modelName + "' returned no loss for the evaluation pass although"
                    + " the batch holds the labels " + presentLabels
                    + "; return ModelOutput.withLoss(lossSum, itemCount, outputs) when labels are given (or override computeLoss)");
        }
        List<InputSpec> required = withLabels ? allInputs : featureInputs;
        TfInputFeeder.validate(modelName, required, batch);
        Map<String, Operand<?>> predictions = returnPredictions
                ? (withLabels ? graphs.evalPredictions : graphs.predictPredictions) : Map.of();
        if (!withLabels && predictions.isEmpty()) {
            return new EvalBatchOutput(0, 0, false, Map.of());
        }
        Session.Runner runner = session.runner();
        for (InputSpec spec : required) {
            runner.feed(placeholders.get(spec.name()), feeder.tensor(spec.name(), batch.get(spec.name())));
        }
        if (withLabels) {
            runner.fetch(graphs.evalLossSum).fetch(graphs.evalItemCount);
        }
        predictions.values().forEach(runner::fetch);
        try (Result result = runner.run()) {
            int index = 0;
            double lossSum = 0;
            double itemCount = 0;
            if (withLabels) {
                lossSum = ((TFloat32) result.get(index++)).getFloat();
                itemCount = ((TFloat32) result.get(index++)).getFloat();
            }
            Map<String, HostTensor> hostPredictions = new LinkedHashMap<>();
            for (String name : predictions.keySet()) {
                hostPredictions.put(name, toHost(result.get(index++)));
            }
            return new EvalBatchOutput(lossSum, itemCount, withLabels, hostPredictions);
        }
        catch (TensorFlowException e) {
            throw new BackendException("evaluation of model '" + modelName + "'", "evaluation of model '" + modelName
                    + "' failed: " + e.getMessage(), e);
        }
    }

    private static HostTensor toHost(Tensor tensor) {
        long[] shape = tensor.shape().asArray();
        int size = Math.toIntExact(tensor.shape().size());
        if (tensor instanceof TFloat32 floats) {
            float[] values = new float[size];
            floats.copyTo(DataBuffers.of(values, false, false));
            return HostTensor.ofFloats(values, shape);
        }
        if (tensor instanceof TFloat64 doubles) {
            double[] values = new double[size];
            doubles.copyTo(DataBuffers.of(values, false, false));
            return HostTensor.ofDoubles(values, shape);
        }
        if (tensor instanceof TInt32 ints) {
            int[] values = new int[size];
            ints.copyTo(DataBuffers.of(values, false, false));
            return HostTensor.ofInts(values, shape);
        }
        if (tensor instanceof TInt64 longs) {
            long[] values = new long[size];
            longs.copyTo(DataBuffers.of(values, false, false));
            return HostTensor.ofLongs(values, shape);
        }
        throw new IllegalStateException("unexpected output type " + tensor.dataType());
    }

    @Override
    public void resetOptimizer() {
        checkOpen();
        List<Op> resets = new ArrayList<>();
        store.states(StateGroup.OPTIMIZER).forEach(state -> resets.add(state.reset()));
        store.states(StateGroup.ACCUMULATION).forEach(state -> resets.add(state.reset()));
        runTargets(resets);
    }

    @Override
    public void save(Path directory, CheckpointScope scope) {
        checkOpen();
        checkpoint(scope).save(session, directory);
    }

    @Override
    public void restore(Path directory, CheckpointScope scope) {
        checkOpen();
        checkpoint(scope).restore(session, directory);
    }

    /** Writes a SavedModel of the prediction pass with the current weights; see {@link TfModelExporter}. */
    @Override
    public void exportModel(Path directory) {
        checkOpen();
        exporter.export(directory, weights -> modelCheckpoint.save(session, weights));
    }

    /** Loads model variables from another bundle; see {@link TfWeightInitializer}. The optimizer state is kept. */
    @Override
    public WeightMapping.Report initializeFrom(Path source, WeightMapping mapping) {
        checkOpen();
        if (weightInitializer == null) {
            weightInitializer = new TfWeightInitializer(graph, store.variables());
        }
        return weightInitializer.initialize(session, source, mapping);
    }

    private TfCheckpoint checkpoint(CheckpointScope scope) {
        return switch (requireNonNull(scope, "scope is null")) {
            case MODEL -> modelCheckpoint;
            case FULL -> fullCheckpoint;
        };
    }

    // ------------------------------------------------------------------------------------------------ inspection

    /** The model variables by name (registry order). */
    public List<TfVariable> variables() {
        return store.variables();
    }

    /** The variables the loss depends on: the ones the optimizer updates. */
    public List<TfVariable> trainableVariables() {
        return graphs.trainable;
    }

    /** Every model variable and engine state variable's value, by name (for tests and inspection). */
    public Map<String, float[]> readVariables() {
        checkOpen();
        Map<String, Operand<TFloat32>> reads = new LinkedHashMap<>();
        store.variables().forEach(variable -> reads.put(variable.name(), variable.read()));
        for (StateGroup group : StateGroup.values()) {
            for (TfStateVariable<?> state : store.states(group)) {
                if (state.type() == TFloat32.class) {
                    @SuppressWarnings("unchecked")
                    Operand<TFloat32> read = (Operand<TFloat32>) state.read();
                    reads.put(state.name(), read);
                }
            }
        }
        Map<String, float[]> values = new LinkedHashMap<>();
        Session.Runner runner = session.runner();
        reads.values().forEach(runner::fetch);
        try (Result result = runner.run()) {
            int index = 0;
            for (String name : reads.keySet()) {
                values.put(name, toHost(result.get(index++)).floats().clone());
            }
        }
        return values;
    }

    /** The number of optimizer updates applied (non-finite steps do not count). */
    public long optimizerStep() {
        checkOpen();
        try (Result result = session.runner().fetch(graphs.step.read()).run()) {
            return ((TInt64) result.get(0)).getLong();
        }
    }

    /** The thread settings in effect. */
    public TfThreadSettings threadSettings() {
        return threads;
    }

    /** The graph, for extensions that add ops (export, summaries); do not close it. */
    public Graph graph() {
        return graph;
    }

    private void runTargets(List<Op> targets) {
        if (targets.isEmpty()) {
            return;
        }
        Session.Runner runner = session.runner();
        targets.forEach(runner::addTarget);
        runner.run().close();
    }

    private void requireTraining() {
        if (graphs.fusedStep == null) {
            throw new IllegalArgumentException(graphs.missingLossReason);
        }
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
        runners.clear();
        lastRunner = null;
        try (graph; session; learningRateTensor; randomKeyTensor; feeder) {
            LOG.debug("closing the tensorflow engine of model '{}' (seed {})", modelName, seed);
        }
    }
}
