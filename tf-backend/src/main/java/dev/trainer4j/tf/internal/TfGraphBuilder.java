package dev.trainer4j.tf.internal;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.StartupTimeline;
import dev.trainer4j.tf.TfDevices;
import dev.trainer4j.tf.TfModel;
import dev.trainer4j.tf.TfThreadChoice;
import dev.trainer4j.tf.TfTrainerHooks;
import dev.trainer4j.tf.TfVariable;
import dev.trainer4j.tf.generate.TfGenerationGraph;
import dev.trainer4j.tf.generate.TfGenerativeModel;
import dev.trainer4j.tf.internal.TfCompiledGraph.Evaluation;
import dev.trainer4j.tf.internal.TfCompiledGraph.EvaluationLoss;
import dev.trainer4j.tf.internal.TfCompiledGraph.InferenceOnly;
import dev.trainer4j.tf.internal.TfCompiledGraph.NoLoss;
import dev.trainer4j.tf.internal.TfCompiledGraph.SummedLoss;
import dev.trainer4j.tf.internal.TfCompiledGraph.Training;
import dev.trainer4j.tf.internal.TfCompiledGraph.TrainingLossRead;
import dev.trainer4j.tf.internal.TfVariableStore.StateGroup;
import dev.trainer4j.tf.io.TfCheckpoint;
import dev.trainer4j.tf.io.TfModelProbe;
import dev.trainer4j.tf.optim.TfOptimizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Builds the graph of a {@link TfModel} into a {@link TfCompiledGraph}: one placeholder per declared input (batch
 * dimension -1); the evaluation pass (labels given) and the prediction pass (without), on the first device or, with
 * replicas mirrored over several devices or several training towers, split by rows over them; the
 * training replicas (towers), each a row slice of the batch built on its device from {@link TfDevices}; the
 * gradients (by {@link TfReplicaGradients}: with every replica on the default device one call over the summed loss,
 * as before; with a {@code device-map} each gradient op on its forward op's device; otherwise each replica's own, on
 * its device, added in replica order); the update path
 * ({@link TfUpdatePath}); the running loss read; and the checkpoints. All passes share the model variables, read
 * through identity. With {@code bf16-full-eval} / {@code fp16-full-eval} the evaluation and prediction passes are
 * converted to half precision by {@link TfHalfPrecisionEval}.
 */
public final class TfGraphBuilder {
    private static final Logger LOG = LoggerFactory.getLogger(TfGraphBuilder.class);
    private final TfModel model;
    private final TrainingArguments args;
    private final EngineOptions options;
    private final TfTrainerHooks hooks;
    private final TfDevices devices;
    private final TfMixedPrecision precision;
    private final TfDeviceMap deviceMap;
    private final Map<Integer, Ops> replicaScopes = new HashMap<>();
    /** The graph being built, seen without the per-scope name scan (the passes' scopes are made from it). */
    private TfNameScopedGraph nameScoped;

    public TfGraphBuilder(TfModel model, TrainingArguments args, EngineOptions options, TfTrainerHooks hooks,
                          TfDevices devices) {
        this(model, args, options, hooks, devices, TfMixedPrecision.of(args, false));
    }

    /** A builder whose training path scales the loss when {@code precision} is fp16. */
    public TfGraphBuilder(TfModel model, TrainingArguments args, EngineOptions options, TfTrainerHooks hooks,
                          TfDevices devices, TfMixedPrecision precision) {
        this.precision = requireNonNull(precision, "precision is null");
        this.deviceMap = TfDeviceMap.of(args);
        this.model = requireNonNull(model, "model is null");
        this.args = requireNonNull(args, "args is null");
        this.options = requireNonNull(options, "options is null");
        this.hooks = requireNonNull(hooks, "hooks is null");
        this.devices = requireNonNull(devices, "devices is null");
    }

    /** Builds into {@code graph}, which the caller owns (and closes if this throws). */
    public TfCompiledGraph build(Graph graph) {
        Ops root = Ops.create(graph);
        nameScoped = new TfNameScopedGraph(graph);
        Ops engine = root.withSubScope("trainer4j");
        TfVariableStore store = new TfVariableStore(graph, root, args.seed());
        store.placeVariables(deviceMap);

        List<InputSpec> inputs = List.copyOf(model.inputs());
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("model '" + model.name() + "' declares no inputs");
        }
        Set<String> labelNames = new HashSet<>(options.labelNames().isEmpty() ? model.labelNames() : options.labelNames());
        List<InputSpec> labels = inputs.stream().filter(spec -> labelNames.contains(spec.name()) || spec.label()).toList();
        List<InputSpec> features = inputs.stream().filter(spec -> !labels.contains(spec)).toList();

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
        Map<String, Operand<?>> trainingFeeds = fixedTrainingShapes()
                ? withBatchShapes(nameScoped.subScope(engine, "training_shapes"), placeholders, inputs) : allFeeds;
        Map<String, Operand<?>> featureFeeds = new LinkedHashMap<>(placeholders);
        labels.forEach(spec -> featureFeeds.remove(spec.name()));

        TfStateVariable<TFloat64> lossSum = store.state("trainer4j/metrics/loss_sum", TFloat64.class, Shape.scalar(),
                StateGroup.METRICS, tf -> tf.constant(0.0));
        TfStateVariable<TInt64> lossSteps = store.state("trainer4j/metrics/loss_steps", TInt64.class, Shape.scalar(),
                StateGroup.METRICS, tf -> tf.constant(0L));
        TfStateVariable<TFloat64> lastGradNorm = store.state("trainer4j/metrics/last_grad_norm", TFloat64.class,
                Shape.scalar(), StateGroup.METRICS, tf -> tf.constant(Double.NaN));
        TfStateVariable<TInt64> step = store.state("trainer4j/optimizer/step", TInt64.class, Shape.scalar(),
                StateGroup.OPTIMIZER, tf -> tf.constant(0L));
        TfUpdatePath.Counters counters = new TfUpdatePath.Counters(step, lossSum, lossSteps, lastGradNorm);
        TrainingLossRead trainingLoss = trainingLossRead(engine.withSubScope("read_training_loss"), counters);

        // evaluation pass (labels given) and prediction pass (no labels): on the first device, or, with replicas
        // mirrored over several devices, split by rows over them like the training batch
        String rowCoupling = rowCoupling(!labels.isEmpty() && !hooks.lossRowIndependent());
        boolean rowsSplit = distinctDevices() > 1 && rowCoupling == null;
        int passReplicas = rowsSplit ? distinctDevices() : 1;

        // the step's cost decides the threads and the replica count: it is measured on a scratch build of the
        // prediction pass at a training batch's shapes, so the training towers come first and create the variables
        TfThreadSettings threads = TfThreadSettings.choose(args, TfModelProbe.measure(model, features,
                        args.perDeviceTrainBatchSize(), options.batchShapes()),
                Runtime.getRuntime().availableProcessors(), rowCoupling, distinctDevices());
        StartupTimeline.process().mark("graph: step cost");
        TfHostRandomBits randomBits = new TfHostRandomBits(engine);
        Training training = buildTraining(graph, engine, root, store, inputs, labels, trainingFeeds, threads.towers(),
                randomKey, randomBits, learningRate, counters);
        StartupTimeline.process().mark("graph: update");

        // ---- issue 17: seq2seq: the generation graph (encoder pass, decoder step) on the same variables ----
        TfGenerationGraph generation = model instanceof TfGenerativeModel generative
                ? TfGenerationGraph.build(generative, new TfBuildScope(passOps(root, 0, "generate"), false, store, randomKey))
                : null;

        // evaluation and prediction on the training towers too: the eval batch split by rows into the same number of
        // towers runs them side by side on the inter-op threads the step uses (one tower leaves a core idle)
        int evalTowers = Math.max(evaluationTowers(threads, passReplicas, rowCoupling), passReplicas);
        InferencePasses passes = new InferencePasses(root, engine, store, randomKey, allFeeds, inputs, featureFeeds,
                features, !labels.isEmpty(), evalTowers, passReplicas);
        if (TfHalfPrecisionEval.of(args, precision.gpus()) != null || precision.mode() != TfMixedPrecision.Mode.FP32
                || options.cluster().isPresent()) {
            // built now: half precision checks every forward op's kernels (all passes) before anything runs, and a
            // multi-worker run's graph is complete when the remote session opens
            passes.evaluation();
            passes.predictions();
        }
        precision.checkKernels(model.name(), () -> forwardOpTypes(graph));
        StartupTimeline.process().mark("graph: inference passes");

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
        // the checkpoints' scope without the name scan (only TfCheckpoint writes under it)
        Ops checkpointOps = nameScoped.subScope(engine, "checkpoint");
        TfCheckpoint modelCheckpoint = new TfCheckpoint(checkpointOps, "model", modelEntries);
        TfCheckpoint fullCheckpoint = new TfCheckpoint(checkpointOps, "full", fullEntries);

        List<TfStateVariable<?>> states = new ArrayList<>();
        for (StateGroup group : StateGroup.values()) {
            states.addAll(store.states(group));
        }
        List<Op> optimizerResets = new ArrayList<>();
        store.states(StateGroup.OPTIMIZER).forEach(state -> optimizerResets.add(state.reset()));
        store.states(StateGroup.ACCUMULATION).forEach(state -> optimizerResets.add(state.reset()));
        return new TfCompiledGraph(graph, model.name(), args.seed(), inputs, labels, features,
                List.copyOf(placeholders.values()), learningRate, randomKey, store.variables(), states, optimizerResets,
                passes, trainingLoss, step.read(), training, modelCheckpoint, fullCheckpoint,
                new TfThreadChoice(threads.intraOp(), threads.interOp(), threads.towers(), threads.reason()),
                generation, randomBits.layout(), !trainingFeeds.equals(allFeeds));
    }

    /**
     * Whether the training step is built for the run's batch shapes: the loop promises that every training batch has
     * the first one's ({@link EngineOptions#uniformBatchShapes()}), and the session is a float32 one on this
     * process's CPUs, whose grappler passes the engine orders itself ({@link TfGrappler}).
     */
    private boolean fixedTrainingShapes() {
        return options.uniformBatchShapes() && options.cluster().isEmpty() && !precision.gpus()
                && precision.mode() == TfMixedPrecision.Mode.FP32;
    }

    /**
     * The training inputs with their static shapes stated ({@code EnsureShape}): grappler does not trust the shapes
     * of fed placeholders, so without this every shape in the step's gradient bookkeeping ({@code Shape},
     * {@code BroadcastGradientArgs}, the reshapes and reductions they feed) is computed at run time; with it,
     * constant folding makes them constants (the main job's model in bench/transformer: 1,677 nodes a step instead of
     * 2,241). An input the first batch does not give as a shape compatible with its declaration stays as it is.
     */
    private Map<String, Operand<?>> withBatchShapes(Ops ops, Map<String, Placeholder<?>> placeholders,
                                                    List<InputSpec> inputs) {
        Map<String, Operand<?>> feeds = new LinkedHashMap<>(placeholders);
        for (InputSpec spec : inputs) {
            List<Long> given = options.batchShapes().get(spec.name());
            long[] shape = given == null ? null : given.stream().mapToLong(Long::longValue).toArray();
            if (shape != null && spec.accepts(shape)) {
                feeds.put(spec.name(), ops.ensureShape(placeholders.get(spec.name()), Shape.of(shape)));
            }
        }
        return feeds;
    }

    /**
     * The evaluation pass (labels fed) and the prediction pass (no labels), each built into the engine's graph the
     * first time it is asked for: a run that never evaluates or predicts holds neither, and a training run's first
     * step does not wait for them. The session sees the ops added after it opened on its next run. A pass may not
     * create variables (they exist once the training towers are built, and are initialised when the session opens).
     */
    private final class InferencePasses implements TfCompiledGraph.InferencePasses {
        private final Ops root;
        private final Ops engine;
        private final TfVariableStore store;
        private final Operand<TInt64> randomKey;
        private final Map<String, Operand<?>> allFeeds;
        private final List<InputSpec> inputs;
        private final Map<String, Operand<?>> featureFeeds;
        private final List<InputSpec> features;
        private final boolean labelled;
        private final int evalTowers;
        private final int passReplicas;
        private Evaluation evaluation;
        private Map<String, Operand<?>> predictions;

        InferencePasses(Ops root, Ops engine, TfVariableStore store, Operand<TInt64> randomKey,
                        Map<String, Operand<?>> allFeeds, List<InputSpec> inputs, Map<String, Operand<?>> featureFeeds,
                        List<InputSpec> features, boolean labelled, int evalTowers, int passReplicas) {
            this.root = root;
            this.engine = engine;
            this.store = store;
            this.randomKey = randomKey;
            this.allFeeds = allFeeds;
            this.inputs = inputs;
            this.featureFeeds = featureFeeds;
            this.features = features;
            this.labelled = labelled;
            this.evalTowers = evalTowers;
            this.passReplicas = passReplicas;
        }

        @Override
        public synchronized Evaluation evaluation() {
            if (evaluation == null) {
                Pass eval = withoutNewVariables("evaluation", () -> buildPass(root, engine, store, randomKey, allFeeds,
                        inputs, labelled, evalTowers, evalTowers > passReplicas ? "forward_eval_towers" : "forward_eval"));
                evaluation = new Evaluation(eval.loss(), eval.predictions());
            }
            return evaluation;
        }

        @Override
        public synchronized Map<String, Operand<?>> predictions() {
            if (predictions == null) {
                predictions = !labelled ? evaluation().predictions()
                        : withoutNewVariables("prediction", () -> buildPass(root, engine, store, randomKey, featureFeeds,
                                features, false, features.isEmpty() ? passReplicas : evalTowers, "forward_predict"))
                                .predictions();
            }
            return predictions;
        }

        private Pass withoutNewVariables(String pass, java.util.function.Supplier<Pass> build) {
            Set<String> before = new HashSet<>();
            store.variables().forEach(variable -> before.add(variable.name()));
            Pass built = build.get();
            List<String> created = store.variables().stream().map(TfVariable::name)
                    .filter(name -> !before.contains(name)).toList();
            if (!created.isEmpty()) {
                throw new IllegalArgumentException("model '" + model.name() + "' created the variables " + created
                        + " in its " + pass + " pass but not in its training pass; every variable must be created"
                        + " whatever the pass (TfModelScope.training() may change what a layer computes, not which"
                        + " variables it has)");
            }
            return built;
        }
    }

    /**
     * Into how many row slices the evaluation and prediction batches are split on the default device: the training
     * towers when there is more than one, every replica is on the default device, the rows are independent and the
     * inter-op pool runs them side by side (not -1, the caller's thread, nor 1); otherwise 1 (or the mirrored replicas, built already).
     */
    private int evaluationTowers(TfThreadSettings threads, int passReplicas, String rowCoupling) {
        if (passReplicas > 1 || threads.towers() < 2 || rowCoupling != null || !allOnDefaultDevice(threads.towers())
                || threads.interOp() == -1 || threads.interOp() == 1) {
            return passReplicas;
        }
        return Math.min(threads.towers(), Math.max(1, args.perDeviceEvalBatchSize()));
    }

    /** Each variable's gradient added over the replicas in replica order (one replica's as it is). */
    private static List<Operand<TFloat32>> sumOverReplicas(Ops engine, List<List<Operand<TFloat32>>> replicaGradients,
                                                           int variables) {
        Ops gradientAdds = engine.withSubScope("replica_gradient_sums");
        List<Operand<TFloat32>> sums = new ArrayList<>();
        for (int i = 0; i < variables; i++) {
            List<Operand<TFloat32>> perReplica = new ArrayList<>();
            for (List<Operand<TFloat32>> gradients : replicaGradients) {
                perReplica.add(gradients.get(i));
            }
            sums.add(perReplica.size() == 1 ? perReplica.get(0) : gradientAdds.math.addN(perReplica));
        }
        return sums;
    }

    /** An evaluation or prediction pass: its loss (when labelled) and its host outputs. */
    private record Pass(EvaluationLoss loss, Map<String, Operand<?>> predictions) {
    }

    /**
     * Builds an evaluation ({@code labelled}) or prediction pass over {@code feeds}: one replica on the first device,
     * or {@code replicas} row slices, replica r on device r, whose loss sums and item counts are added and whose
     * host outputs are concatenated along the batch dimension, in replica order.
     */
    private Pass buildPass(Ops root, Ops engine, TfVariableStore store, Operand<TInt64> randomKey,
                           Map<String, Operand<?>> feeds, List<InputSpec> fed, boolean labelled, int replicas,
                           String pass) {
        List<Map<String, Operand<?>>> slices = replicas == 1 ? List.of(feeds)
                : splitRows(nameScoped.subScope(engine, pass + "_split"), feeds, fed, replicas);
        List<Operand<TFloat32>> lossSums = new ArrayList<>();
        List<Operand<TFloat32>> itemCounts = new ArrayList<>();
        List<Map<String, Operand<?>>> outputs = new ArrayList<>();
        // bf16-full-eval / fp16-full-eval: built under a template name, then copied in half precision under the pass's
        TfHalfPrecisionEval halfEval = TfHalfPrecisionEval.of(args, precision.gpus());
        String built = halfEval == null ? pass : TfHalfPrecisionEval.templateName(pass);
        for (int replica = 0; replica < replicas; replica++) {
            Ops ops = passOps(root, replica, built);
            Map<String, Operand<?>> slice = slices.get(replica);
            TfBuildScope scope = new TfBuildScope(ops, false, store, randomKey, 0, deviceMap);
            // with oneDNN, grappler makes each layer norm and each attention's scores one kernel (the half-precision
            // copy could not convert them)
            ModelOutput<Operand<?>> output = requireNonNull(
                    model.build(halfEval == null && TfOneDnn.enabled() ? scope.withFusedKernels() : scope, slice),
                    () -> "model '" + model.name() + "' returned no output");
            if (labelled) {
                output = requireNonNull(hooks.computeLoss(output, slice, ops), "computeLoss returned null");
            }
            if (output.hasLoss()) {
                lossSums.add(scalarFloat(ops, output.lossSum().orElseThrow(), "loss sum"));
                itemCounts.add(scalarFloat(ops, output.itemCount().orElseThrow(), "item count"));
            }
            outputs.add(hostOutputs(ops, hooks.predictionStep(output, slice, ops)));
        }
        if (halfEval != null) {
            Map<String, String> prefixes = new LinkedHashMap<>();
            for (int replica = 0; replica < replicas; replica++) {
                prefixes.put("replica_" + replica + "/" + built + "/", "replica_" + replica + "/" + pass + "/");
            }
            List<Operand<?>> results = new ArrayList<>();
            results.addAll(lossSums);
            results.addAll(itemCounts);
            outputs.forEach(replicaOutputs -> results.addAll(replicaOutputs.values()));
            List<Operand<?>> half = halfEval.convert((Graph) root.scope().env(), model.name(), prefixes,
                    store.variables().stream().map(TfVariable::read).toList(), results);
            int next = 0;
            for (int i = 0; i < lossSums.size(); i++) {
                lossSums.set(i, castToFloat(half.get(next++)));
            }
            for (int i = 0; i < itemCounts.size(); i++) {
                itemCounts.set(i, castToFloat(half.get(next++)));
            }
            for (Map<String, Operand<?>> replicaOutputs : outputs) {
                for (Map.Entry<String, Operand<?>> entry : replicaOutputs.entrySet()) {
                    entry.setValue(half.get(next++));
                }
            }
        }
        if (replicas == 1) {
            return new Pass(lossSums.isEmpty() ? new NoLoss() : new SummedLoss(lossSums.get(0), itemCounts.get(0)),
                    outputs.get(0));
        }
        Ops sums = nameScoped.subScope(engine, pass + "_sums");
        EvaluationLoss loss = lossSums.size() < replicas ? new NoLoss()
                : new SummedLoss(sums.math.addN(lossSums), sums.math.addN(itemCounts));
        Map<String, Operand<?>> concatenated = new LinkedHashMap<>();
        for (String name : outputs.get(0).keySet()) {
            List<Operand<?>> parts = new ArrayList<>();
            for (Map<String, Operand<?>> replicaOutputs : outputs) {
                Operand<?> part = replicaOutputs.get(name);
                if (!part.shape().isUnknown() && part.shape().numDimensions() == 0) {
                    throw new IllegalArgumentException("output '" + name + "' of model '" + model.name() + "' is a"
                            + " scalar; with replicas on " + replicas + " devices every prediction output needs the"
                            + " batch dimension first (set devices = 1, or return per-row outputs)");
                }
                parts.add(part);
            }
            concatenated.put(name, concat(sums, parts));
        }
        return new Pass(loss, concatenated);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static Operand<?> concat(Ops ops, List<Operand<?>> parts) {
        return ops.concat((List) parts, ops.constant(0));
    }

    /**
     * The training replicas, their gradients and the update path; {@link InferenceOnly} when the model returns no
     * training loss. Replica r gets rows [n*r/k, n*(r+1)/k) of a batch of n rows and is built on {@code devices}'
     * device r; its loss sum, item count and gradients are added to the other replicas' in replica order.
     */
    private Training buildTraining(Graph graph, Ops engine, Ops root, TfVariableStore store, List<InputSpec> inputs,
                                   List<InputSpec> labels, Map<String, Operand<?>> allFeeds, int replicas,
                                   Operand<TInt64> randomKey, TfHostRandomBits randomBits,
                                   Operand<TFloat32> learningRate, TfUpdatePath.Counters counters) {
        if (args.gradientCheckpointing() && !deviceMap.isEmpty()) {
            throw new ConfigurationException(TrainingArguments.GRADIENT_CHECKPOINTING.key(),
                    "gradient-checkpointing = true cannot be combined with strategy = model-parallel (its segmented"
                            + " backward pass does not place gradient ops by the device-map); set one of them off");
        }
        List<Map<String, Operand<?>>> replicaFeeds = replicas == 1
                ? List.of(allFeeds)
                : splitRows(nameScoped.subScope(engine, "towers"), allFeeds, inputs, replicas);
        List<Operand<TFloat32>> replicaLossSums = new ArrayList<>();
        List<Operand<TFloat32>> replicaItemCounts = new ArrayList<>();
        List<TfCheckpointedBlocks> replicaBlocks = new ArrayList<>();
        for (int replica = 0; replica < replicas; replica++) {
            Ops trainOps = passOps(root, replica, "forward_train");
            Map<String, Operand<?>> feeds = replicaFeeds.get(replica);
            TfCheckpointedBlocks blocks = args.gradientCheckpointing() ? new TfCheckpointedBlocks() : null;
            replicaBlocks.add(blocks);
            ModelOutput<Operand<?>> train = requireNonNull(
                    model.build(new TfBuildScope(trainOps, true, store, randomKey, replica,
                            args.neftuneNoiseAlpha().orElse(0), deviceMap, blocks, randomBits), feeds),
                    () -> "model '" + model.name() + "' returned no output");
            if (blocks != null && blocks.isEmpty()) {
                throw new ConfigurationException(TrainingArguments.GRADIENT_CHECKPOINTING.key(),
                        "gradient-checkpointing = true is not supported by model '" + model.name() + "': it has no"
                                + " layers to recompute (the transformer models have them); set it to false");
            }
            if (!labels.isEmpty()) {
                train = requireNonNull(hooks.computeLoss(train, feeds, trainOps), "computeLoss returned null");
            }
            if (!train.hasLoss()) {
                return new InferenceOnly("model '" + model.name() + "' returned no loss for the training pass although"
                        + " the inputs hold the labels " + labels.stream().map(InputSpec::name).toList()
                        + "; return ModelOutput.withLoss(lossSum, itemCount, outputs) when labels are given (or override computeLoss)");
            }
            replicaLossSums.add(scalarFloat(trainOps, train.lossSum().orElseThrow(), "loss sum"));
            replicaItemCounts.add(scalarFloat(trainOps, train.itemCount().orElseThrow(), "item count"));
        }
        Ops sums = nameScoped.subScope(engine, "tower_sums");
        Operand<TFloat32> lossSum = replicas == 1 ? replicaLossSums.get(0) : sums.math.addN(replicaLossSums);
        Operand<TFloat32> itemCount = replicas == 1 ? replicaItemCounts.get(0) : sums.math.addN(replicaItemCounts);

        Set<String> reachable = new HashSet<>();
        for (GraphOperation op : graph.subgraphTo(Set.of(lossSum))) {
            reachable.add(op.name());
        }
        List<TfVariable> dependedOn = store.variables().stream()
                .filter(variable -> reachable.contains(variable.read().op().name()))
                .toList();
        if (dependedOn.isEmpty()) {
            throw new IllegalArgumentException("the loss of model '" + model.name() + "' depends on none of its variables "
                    + store.variables().stream().map(TfVariable::name).toList());
        }
        List<TfVariable> trainable = TfFrozenVariables.withoutFrozen(model, store.variables(), dependedOn);
        Output<?>[] xs = trainable.stream().map(variable -> variable.read().asOutput()).toArray(Output<?>[]::new);
        // fp16: the gradients are taken of the scaled loss and divided by the scale again below
        Operand<TFloat32> unscaledLoss = lossSum;
        TfMixedPrecision.LossScale lossScale = precision.scalesLoss() ? new TfMixedPrecision.LossScale(store, args) : null;
        Ops scaling = engine.withSubScope("loss_scaling");
        // the factor is scale / items, so the scaled gradients are those of the mean loss times the scale (torch's
        // GradScaler scales the mean); a sum over a batch would overflow float16 a batch size sooner
        Operand<TFloat32> scaleFactor = lossScale == null ? null : scaling.math.div(lossScale.scale(),
                scaling.math.maximum(itemCount, scaling.constant(1f)));
        if (lossScale != null) {
            lossSum = scaling.math.mul(lossSum, scaleFactor);
            List<Operand<TFloat32>> scaled = new ArrayList<>();
            for (Operand<TFloat32> replicaLoss : replicaLossSums) {
                scaled.add(scaling.math.mul(replicaLoss, scaleFactor));
            }
            replicaLossSums = scaled;
        }
        List<Operand<TFloat32>> gradientSums = new ArrayList<>();
        StartupTimeline.process().mark("graph: training forward");
        if (args.gradientCheckpointing()) {
            // gradient-checkpointing: each replica's backward pass in segments, its layers recomputed there
            if (!args.gradientCheckpointingKwargs().isEmpty()) {
                LOG.debug("gradient-checkpointing-kwargs {} has no meaning in graph mode: the layers are recomputed"
                        + " by the graph's segmented backward pass, not by a PyTorch autograd function",
                        args.gradientCheckpointingKwargs());
            }
            List<List<Operand<TFloat32>>> replicaGradients = new ArrayList<>();
            for (int replica = 0; replica < replicas; replica++) {
                Output<?>[] dys = replicaBlocks.get(replica).gradients(graph, "trainer4j_gradients_replica_" + replica,
                        replicaLossSums.get(replica), trainable, devices.deviceSpec(replica));
                replicaGradients.add(gradients(dys, trainable));
            }
            LOG.debug("gradient-checkpointing: {} layers per replica are recomputed in the backward pass",
                    replicaBlocks.get(0).size());
            gradientSums.addAll(sumOverReplicas(engine, replicaGradients, trainable.size()));
        }
        else if (!deviceMap.isEmpty()) {
            // model parallel: each gradient op on the device of the forward op it differentiates
            gradientSums.addAll(gradients(TfReplicaGradients.buildColocated(graph, "trainer4j_gradients", lossSum, xs),
                    trainable));
        }
        else if (allOnDefaultDevice(replicas)) {
            // one gradient call over the summed loss: TensorFlow adds the replicas' contributions to a variable in
            // one AddN per variable, as it always did (the same float summation order, so the same numbers)
            gradientSums.addAll(gradients(TfReplicaGradients.build(graph, "trainer4j_gradients", lossSum, xs,
                    devices.deviceSpec(0)), trainable));
        }
        else {
            // each replica's gradients on its own device, added in replica order; this sums a variable used more than
            // once per replica in another order than the single call above
            List<TfReplicaGradients.Replica> requests = new ArrayList<>();
            for (int replica = 0; replica < replicas; replica++) {
                requests.add(new TfReplicaGradients.Replica("trainer4j_gradients_replica_" + replica,
                        replicaLossSums.get(replica), devices.deviceSpec(replica)));
            }
            List<List<Operand<TFloat32>>> replicaGradients = new ArrayList<>();
            for (Output<?>[] dys : TfReplicaGradients.build(graph, requests, xs)) {
                replicaGradients.add(gradients(dys, trainable));
            }
            gradientSums.addAll(sumOverReplicas(engine, replicaGradients, trainable.size()));
        }
        if (lossScale != null) {
            Operand<TFloat32> inverse = scaling.math.div(scaling.constant(1f), scaleFactor);
            List<Operand<TFloat32>> unscaled = new ArrayList<>();
            for (Operand<TFloat32> gradient : gradientSums) {
                unscaled.add(scaling.math.mul(gradient, inverse));
            }
            gradientSums = unscaled;
            lossSum = unscaledLoss;
        }
        StartupTimeline.process().mark("graph: gradients");
        TfOptimizer optimizer = requireNonNull(hooks.createOptimizer(args), "createOptimizer returned null");
        // the update path's scopes (step, accumulate, step_accumulated) without the name scan: only it writes there
        return new TfUpdatePath(engine, store, args, optimizer, counters, learningRate, model::learningRateMultiplier,
                lossScale, name -> nameScoped.subScope(engine, name)).build(trainable, gradientSums, lossSum, itemCount);
    }

    /** The number of distinct devices the replicas use (1 for every replica on the default device). */
    private int distinctDevices() {
        return (int) devices.devices().stream().distinct().count();
    }

    private boolean allOnDefaultDevice(int replicas) {
        for (int replica = 0; replica < replicas; replica++) {
            if (!devices.device(replica).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private static List<Operand<TFloat32>> gradients(Output<?>[] dys, List<TfVariable> trainable) {
        List<Operand<TFloat32>> gradients = new ArrayList<>();
        for (int i = 0; i < dys.length; i++) {
            if (dys[i] == null) {
                throw new IllegalStateException("no gradient for variable '" + trainable.get(i).name() + "'");
            }
            @SuppressWarnings("unchecked")
            Output<TFloat32> gradient = (Output<TFloat32>) dys[i];
            gradients.add(gradient);
        }
        return gradients;
    }

    /**
     * The running loss read and reset in one run. The values are computed copies (not identities, which share the
     * variables' buffers), and the resets wait for them.
     */
    private static TrainingLossRead trainingLossRead(Ops ops, TfUpdatePath.Counters counters) {
        Operand<TFloat64> lossSum = ops.math.add(counters.lossSum().read(), ops.constant(0.0));
        Operand<TInt64> lossSteps = ops.math.add(counters.lossSteps().read(), ops.constant(0L));
        Operand<TFloat64> lastGradNorm = ops.math.add(counters.lastGradNorm().read(), ops.constant(0.0));
        Ops afterReads = ops.withControlDependencies(List.of(lossSum, lossSteps, lastGradNorm));
        Op reset = afterReads.withControlDependencies(List.of(counters.lossSum().resetUnder(afterReads),
                counters.lossSteps().resetUnder(afterReads), counters.lastGradNorm().resetUnder(afterReads))).noOp();
        return new TrainingLossRead(List.of(lossSum, lossSteps, lastGradNorm), reset);
    }

    /** The op types of the first replica's training forward pass (else of the evaluation pass). */
    private static Set<String> forwardOpTypes(Graph graph) {
        Set<String> types = new java.util.TreeSet<>();
        java.util.Iterator<GraphOperation> operations = graph.operations();
        while (operations.hasNext()) {
            GraphOperation op = operations.next();
            if (op.name().startsWith("replica_0/forward_train/") || op.name().startsWith("replica_0/forward_eval/")) {
                types.add(op.type());
            }
        }
        return types;
    }

    /** Why a training batch must stay whole, or null when it may be split into row slices (replicas). */
    private String rowCoupling(boolean lossOverridden) {
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
        long staticRows = first.shape().numDimensions() > 0 ? first.shape().size(0) : -1;
        // rows known when the graph is built (fixed training shapes): constant slice sizes keep each tower's shapes
        // static too
        Operand<TInt32> sizeSplits = staticRows >= 0 ? ops.constant(rowSlices(staticRows, towers))
                : rowSlices(ops, ops.gather(ops.shape(first, TInt32.class), ops.constant(0), ops.constant(0)), towers);
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

    /** {@link #rowSlices(long, int)} of a row count known only when the step runs. */
    private static Operand<TInt32> rowSlices(Ops ops, Operand<TInt32> rows, int towers) {
        List<Operand<TInt32>> sizes = new ArrayList<>();
        Operand<TInt32> begin = ops.constant(0);
        for (int tower = 0; tower < towers; tower++) {
            Operand<TInt32> end = tower == towers - 1 ? rows
                    : ops.math.floorDiv(ops.math.mul(rows, ops.constant(tower + 1)), ops.constant(towers));
            sizes.add(ops.math.sub(end, begin));
            begin = end;
        }
        return ops.stack(sizes);
    }

    /** The rows of each of {@code towers} slices of {@code rows} rows: [n*t/towers, n*(t+1)/towers). */
    private static int[] rowSlices(long rows, int towers) {
        int[] slices = new int[towers];
        for (int tower = 0; tower < towers; tower++) {
            slices[tower] = Math.toIntExact(rows * (tower + 1) / towers - rows * tower / towers);
        }
        return slices;
    }

    private static <T extends TType> List<Output<T>> splitInput(Ops ops, Operand<T> input, Operand<TInt32> sizes, int towers) {
        return ops.splitV(input, sizes, ops.constant(0), (long) towers).output();
    }

    /**
     * The ops of one pass of replica {@code replica}: its name scope ({@code replica_<r>/<pass>}, every pass of a
     * replica under one {@code replica_<r>} scope) and device.
     */
    private Ops passOps(Ops root, int replica, String pass) {
        // the replica's scope reserves its name in root but does not scan the graph, nor do the scopes below it
        // (every layer of every pass): only the pass code writes under replica_<r>, through this one scope object
        Ops ops = replicaScopes.computeIfAbsent(replica, r -> nameScoped.subScope(root, "replica_" + r)).withSubScope(pass);
        String device = devices.device(replica);
        return device.isEmpty() ? ops : ops.withDevice(devices.deviceSpec(replica));
    }

    @SuppressWarnings("unchecked")
    private static Operand<TFloat32> castToFloat(Operand<?> operand) {
        return (Operand<TFloat32>) operand;
    }

    @SuppressWarnings("unchecked")
    private Operand<TFloat32> scalarFloat(Ops ops, Operand<?> operand, String what) {
        Shape shape = operand.shape();
        if (!shape.isUnknown() && shape.numDimensions() != 0) {
            throw new IllegalArgumentException("model '" + model.name() + "' returned a " + what + " of shape " + shape
                    + "; it must be a scalar (the sum over items, not per-item values)");
        }
        if (operand.type() == TFloat32.class) {
            return (Operand<TFloat32>) operand;
        }
        return ops.dtypes.cast(operand, TFloat32.class);
    }

    private Map<String, Operand<?>> hostOutputs(Ops ops, Map<String, Operand<?>> outputs) {
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
                throw new IllegalArgumentException("output '" + name + "' of model '" + model.name() + "' has type "
                        + type.getSimpleName() + ", which cannot be returned to the host");
            }
        });
        return converted;
    }

    private static boolean isValidOpName(String name) {
        return name.matches("[A-Za-z0-9.][A-Za-z0-9_.\\-]*");
    }
}
