package dev.trainer4j.tf.internal;

import dev.trainer4j.api.BackendException;
import dev.trainer4j.api.Batch;
import dev.trainer4j.api.ClusterSpec;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.spi.EvalBatchOutput;
import dev.trainer4j.spi.StepContext;
import dev.trainer4j.spi.TrainingLossReport;
import dev.trainer4j.tf.cluster.TfCluster;
import dev.trainer4j.tf.cluster.TfRemoteSessions;
import dev.trainer4j.tf.internal.TfCompiledGraph.NoLoss;
import dev.trainer4j.tf.internal.TfCompiledGraph.SummedLoss;
import dev.trainer4j.tf.io.TfCheckpoint;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import dev.trainer4j.spi.StartupTimeline;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DeviceStepStats;
import org.tensorflow.proto.NodeExecStats;
import org.tensorflow.proto.RunMetadata;
import org.tensorflow.proto.RunOptions;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Runs a {@link TfCompiledGraph} in one {@link Session} (auto-init off, initialised once): training runs with reused
 * input tensors and cached runners (a step with the same path and tensors as the previous one reuses its runner
 * without a lookup), the running training loss read and reset, evaluation and prediction runs, checkpoint saves and
 * restores, and reads for inspection. Failures of TensorFlow are thrown as {@link BackendException}.
 *
 * <p>Not thread-safe. Close it to free the session and every cached tensor (not the graph).
 */
public final class TfSessionRunner implements AutoCloseable {
    private static final int RUNNER_CACHE_SIZE = 32;

    /** What a training run does; the runner cache keys on it. */
    public enum TrainingPath {
        STEP("step"), ACCUMULATE("accumulate"), STEP_ACCUMULATED("step_accumulated");

        private final String label;

        TrainingPath(String label) {
            this.label = label;
        }
    }

    private final TfCompiledGraph compiled;
    /** The workers of a multi-worker run, or null. */
    private final ClusterSpec cluster;
    private final String modelName;
    private final Session session;
    private final TfInputFeeder feeder = new TfInputFeeder();
    /** The training pass's host-made random bits, or null: nothing in it draws them. */
    private final TfRandomBitsFeeder randomBits;
    private final Map<RunnerKey, Session.Runner> runners = new LinkedHashMap<>(16, 0.75f, true);
    private final TFloat32 learningRateTensor;
    private final TInt64 randomKeyTensor;
    /** The fed tensors of the current training run (reused: no per-step list). */
    private final Tensor[] trainingTensors;
    private long seenEvictions;
    /** The last training runner and what it feeds: a step with the same path and tensors skips the cache lookup. */
    private TrainingPath lastPath;
    private Tensor[] lastTensors;
    private Session.Runner lastRunner;
    /** Reads and resets the running loss (built on first use, then reused). */
    private Session.Runner trainingLossRunner;

    /** Opens and initialises a session on the compiled graph with its thread choice, on one default device. */
    public TfSessionRunner(TfCompiledGraph compiled) {
        this(compiled, null);
    }

    /**
     * Opens and initialises a session on the compiled graph with its thread choice and the device counts of
     * {@code devices} (null: TensorFlow's defaults).
     */
    public TfSessionRunner(TfCompiledGraph compiled, TfDevicePlan devices) {
        this(compiled, devices, null, null);
    }

    /** As above, with the grappler pass of {@code precision} on (null: float32). */
    public TfSessionRunner(TfCompiledGraph compiled, TfDevicePlan devices, TfMixedPrecision precision) {
        this(compiled, devices, precision, null);
    }

    /**
     * Opens and initialises a session as {@link #TfSessionRunner(TfCompiledGraph, TfDevicePlan, TfMixedPrecision)}
     * does, on the chief's server of {@code cluster} when it is not null (a multi-worker run; see {@code TfCluster}).
     */
    public TfSessionRunner(TfCompiledGraph compiled, TfDevicePlan devices, TfMixedPrecision precision,
                           ClusterSpec cluster) {
        this.compiled = requireNonNull(compiled, "compiled is null");
        this.cluster = cluster;
        this.modelName = compiled.modelName();
        this.randomBits = compiled.randomBits().map(TfRandomBitsFeeder::new).orElse(null);
        // the inputs, then the random bits' pool, offsets and states
        this.trainingTensors = new Tensor[compiled.inputs().size() + (randomBits == null ? 0 : 3)];
        ConfigProto.Builder builder = ConfigProto.newBuilder()
                .setIntraOpParallelismThreads(compiled.threads().intraOp())
                .setInterOpParallelismThreads(compiled.threads().interOp());
        if (devices != null) {
            devices.applyTo(builder);
        }
        TfGrappler.applyTo(builder, devices != null && devices.gpus(), compiled.fixedTrainingShapes());
        if (precision != null) {
            precision.applyTo(builder);
        }
        ConfigProto config = builder.build();
        Session created = cluster == null ? new Session(compiled.graph(), false, config)
                : TfRemoteSessions.open(compiled.graph(), cluster.chiefTarget(),
                        config.toBuilder().setOperationTimeoutInMs(TfCluster.OPERATION_TIMEOUT.toMillis()).build());
        StartupTimeline.process().mark("session creation");
        try {
            created.initialize();
        }
        catch (RuntimeException e) {
            created.close();
            throw e;
        }
        StartupTimeline.process().mark("variable initialisation");
        this.session = created;
        this.learningRateTensor = TFloat32.scalarOf(0f);
        this.randomKeyTensor = TInt64.vectorOf(compiled.seed(), 0L, 0L);
    }

    /** Runs {@code target} on {@code batch}; returns whether the step was finite when {@code finite} is fetched. */
    public boolean runTraining(TrainingPath path, Op target, Operand<TBool> finite, Batch batch, StepContext context) {
        try (Result result = runTraining(path, target, finite, batch, context, true)) {
            return ((TBool) result.get(0)).getBoolean();
        }
    }

    /** Runs {@code target} on {@code batch} without a fetch. */
    public void runTraining(TrainingPath path, Op target, Batch batch, StepContext context) {
        runTraining(path, target, null, batch, context, false).close();
    }

    /**
     * Runs {@code target} on {@code batch} and fetches {@code finite} and {@code gradients} in the same run, with a
     * runner of its own that is not cached: the usual step's cached runner fetches nothing extra.
     */
    public CapturedStep runTrainingCapturing(TrainingPath path, Op target, Operand<TBool> finite,
                                             List<Operand<TFloat32>> gradients, Batch batch, StepContext context) {
        requireNonNull(gradients, "gradients is null");
        Tensor[] tensors = feedTraining(batch, context);
        Session.Runner runner = newRunner(tensors, target, finite, gradients);
        try (Result result = run(runner, path, context)) {
            List<float[]> values = new java.util.ArrayList<>(gradients.size());
            for (int i = 0; i < gradients.size(); i++) {
                values.add(toHost(result.get(i + 1)).floats());
            }
            return new CapturedStep(((TBool) result.get(0)).getBoolean(), values);
        }
    }

    /**
     * A training run that fetched its gradients.
     *
     * @param finite whether the step was finite (and so applied)
     * @param gradients the fetched gradients, in the order asked for
     */
    public record CapturedStep(boolean finite, List<float[]> gradients) {
        public CapturedStep {
            gradients = List.copyOf(gradients);
        }
    }

    private Result runTraining(TrainingPath path, Op target, Operand<TBool> fetch, Batch batch, StepContext context,
                               boolean fetched) {
        Tensor[] tensors = feedTraining(batch, context);
        return run(runner(path, tensors, target, fetched ? fetch : null), path, context);
    }

    /** Validates {@code batch}, writes it into the reused input tensors and sets the learning rate and random key. */
    private Tensor[] feedTraining(Batch batch, StepContext context) {
        requireNonNull(batch, "batch is null");
        requireNonNull(context, "context is null");
        List<InputSpec> inputs = compiled.inputs();
        TfInputFeeder.validate(modelName, inputs, batch);
        Tensor[] tensors = trainingTensors;
        for (int i = 0; i < inputs.size(); i++) {
            String name = inputs.get(i).name();
            tensors[i] = feeder.tensor(name, batch.get(name));
        }
        learningRateTensor.setFloat((float) context.learningRate());
        randomKeyTensor.setLong(context.seed(), 0);
        randomKeyTensor.setLong(context.globalStep(), 1);
        randomKeyTensor.setLong(context.microStep(), 2);
        if (randomBits != null) {
            // the host-made pool, or an empty one for input shapes not seen before (the graph then makes the same
            // words, and the run's fetched word counts lay those shapes out, see run)
            tensors[inputs.size()] = randomBits.pool(tensors, inputs.size(), context.seed(), context.globalStep(),
                    context.microStep());
            tensors[inputs.size() + 1] = randomBits.offsets();
            tensors[inputs.size() + 2] = randomBits.states();
        }
        return tensors;
    }

    /** Feeds {@code tensors} ({@link #feedTraining}'s), the learning rate and the random key to {@code runner}. */
    private void feed(Session.Runner runner, Tensor[] tensors) {
        List<? extends Operand<?>> placeholders = compiled.placeholders();
        for (int i = 0; i < placeholders.size(); i++) {
            runner.feed(placeholders.get(i), tensors[i]);
        }
        if (randomBits != null) {
            runner.feed(randomBits.placeholder(), tensors[placeholders.size()])
                    .feed(randomBits.offsetsPlaceholder(), tensors[placeholders.size() + 1])
                    .feed(randomBits.statesPlaceholder(), tensors[placeholders.size() + 2]);
        }
        runner.feed(compiled.learningRate(), learningRateTensor).feed(compiled.randomKey(), randomKeyTensor);
    }

    private Result run(Session.Runner runner, TrainingPath path, StepContext context) {
        try {
            Result result = runner.run();
            if (randomBits != null && randomBits.learning()) {
                // the run's last fetch: the word counts of its random sites at these input shapes
                randomBits.learn((TInt64) result.get(result.size() - 1));
            }
            return result;
        }
        catch (RuntimeException e) {
            if (!TfErrors.isTensorFlowError(e)) {
                throw e;
            }
            throw new BackendException("training step " + context.globalStep() + " of model '" + modelName + "'",
                    workerFailure(e) + "training " + path.label + " of model '" + modelName + "' failed at step "
                    + context.globalStep() + " (micro-step " + context.microStep() + "): " + e.getMessage(), e);
        }
    }

    /**
     * HF's {@code debug = underflow_overflow}, after a non-finite step: runs the training forward pass (tower 0) on
     * {@code batch} again with the step's random key and returns the first op, in build order, whose float32 output
     * holds a NaN or an infinity, as {@code "<op path> (layer <scope>)"}; empty when every activation is finite (the
     * gradients or the update overflowed). The step's update was not applied, so the weights are those it saw.
     */
    public java.util.Optional<String> firstNonFiniteActivation(Batch batch, StepContext context) {
        // tower 0's training pass: replica_0/forward_train/..., its scope name made unique as replica_0_<n>
        java.util.regex.Pattern pass = java.util.regex.Pattern.compile("^replica_0(_\\d+)?/forward_train/");
        List<org.tensorflow.GraphOperation> candidates = new java.util.ArrayList<>();
        java.util.Iterator<org.tensorflow.GraphOperation> operations = compiled.graph().operations();
        while (operations.hasNext()) {
            org.tensorflow.GraphOperation operation = operations.next();
            if (pass.matcher(operation.name()).find() && operation.numOutputs() > 0
                    && operation.output(0).dataType() == org.tensorflow.proto.DataType.DT_FLOAT) {
                candidates.add(operation);
            }
        }
        if (candidates.isEmpty()) {
            return java.util.Optional.empty();
        }
        Session.Runner diagnosis = session.runner();
        feed(diagnosis, feedTraining(batch, context));
        candidates.forEach(operation -> diagnosis.fetch(operation.output(0)));
        try (Result result = diagnosis.run()) {
            for (int i = 0; i < candidates.size(); i++) {
                TFloat32 values = (TFloat32) result.get(i);
                float[] host = new float[Math.toIntExact(values.size())];
                values.copyTo(DataBuffers.of(host, false, false));
                for (float value : host) {
                    if (!Float.isFinite(value)) {
                        java.util.regex.Matcher matched = pass.matcher(candidates.get(i).name());
                        matched.find();
                        String name = candidates.get(i).name().substring(matched.end());
                        int slash = name.lastIndexOf('/');
                        return java.util.Optional.of(name + " (layer " + (slash < 0 ? "(root)" : name.substring(0, slash)) + ")");
                    }
                }
            }
        }
        return java.util.Optional.empty();
    }

    /**
     * Runs {@code target} on {@code batch} with {@code RunOptions.trace_level = FULL_TRACE}; returns the device each
     * executed node ran on, by node name, from the run metadata's step stats.
     */
    public Map<String, String> traceTraining(Op target, Batch batch, StepContext context) {
        Map<String, String> placement = new LinkedHashMap<>();
        for (DeviceStepStats device : traceRun(target, batch, context).getStepStats().getDevStatsList()) {
            for (NodeExecStats node : device.getNodeStatsList()) {
                placement.put(node.getNodeName(), device.getDevice());
            }
        }
        return placement;
    }

    /**
     * Runs {@code target} on {@code batch} with a full trace and the partition graphs (the graphs as executed,
     * after grappler's rewrites) in the run metadata.
     */
    public RunMetadata traceRun(Op target, Batch batch, StepContext context) {
        Session.Runner runner = session.runner();
        feed(runner, feedTraining(batch, context));
        runner.addTarget(target)
                .setOptions(RunOptions.newBuilder().setTraceLevel(RunOptions.TraceLevel.FULL_TRACE)
                        .setOutputPartitionGraphs(true).build());
        try (Result result = runner.runAndFetchMetadata()) {
            return result.getMetadata().orElseThrow(() -> new IllegalStateException("the traced run returned no metadata"));
        }
    }

    private Session.Runner runner(TrainingPath path, Tensor[] tensors, Op target, Operand<TBool> fetch) {
        long evictions = feeder.evictions() + (randomBits == null ? 0 : randomBits.evictions());
        if (evictions != seenEvictions) {
            runners.clear();
            lastRunner = null;
            seenEvictions = evictions;
        }
        // the usual step: same path, same cached input tensors as the previous one (no key, no lookup)
        if (lastRunner != null && path == lastPath && TfInputFeeder.sameTensors(tensors, lastTensors)) {
            return lastRunner;
        }
        RunnerKey key = new RunnerKey(path, Arrays.asList(tensors));
        Session.Runner runner = runners.get(key);
        if (runner == null) {
            runner = newRunner(tensors, target, fetch, List.of());
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

    /**
     * A runner feeding {@code tensors}, the learning rate and the random key, running {@code target}, fetching
     * {@code fetch} (if not null), then {@code moreFetches}, then (when the pass has random sites) their word counts.
     */
    private Session.Runner newRunner(Tensor[] tensors, Op target, Operand<TBool> fetch,
                                     List<? extends Operand<?>> moreFetches) {
        Session.Runner runner = session.runner();
        feed(runner, tensors);
        runner.addTarget(target);
        if (fetch != null) {
            runner.fetch(fetch);
        }
        moreFetches.forEach(runner::fetch);
        if (randomBits != null) {
            runner.fetch(randomBits.words());
        }
        return runner;
    }

    /** A runner cache key: the path and the identity of the fed tensors. */
    private static final class RunnerKey {
        private final TrainingPath path;
        private final List<Tensor> tensors;
        private final int hash;

        RunnerKey(TrainingPath path, List<Tensor> tensors) {
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
            if (!(other instanceof RunnerKey key) || key.path != path || key.tensors.size() != tensors.size()) {
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

    /** Reads the running training loss and resets it, in one run. */
    public TrainingLossReport readTrainingLoss() {
        if (trainingLossRunner == null) {
            Session.Runner runner = session.runner().addTarget(compiled.trainingLoss().reset());
            compiled.trainingLoss().values().forEach(runner::fetch);
            trainingLossRunner = runner;
        }
        try (Result result = trainingLossRunner.run()) {
            return new TrainingLossReport(((TFloat64) result.get(0)).getDouble(), ((TInt64) result.get(1)).getLong(),
                    ((TFloat64) result.get(2)).getDouble());
        }
    }

    /**
     * Runs the evaluation pass ({@code withLabels}) or the prediction pass on {@code batch}, fetching the loss (with
     * labels) and {@code predictions}.
     */
    public EvalBatchOutput evaluate(Batch batch, boolean withLabels, Map<String, Operand<?>> predictions) {
        List<InputSpec> required = withLabels ? compiled.inputs() : compiled.features();
        TfInputFeeder.validate(modelName, required, batch);
        Session.Runner runner = session.runner();
        List<InputSpec> inputs = compiled.inputs();
        for (int i = 0; i < inputs.size(); i++) {
            InputSpec spec = inputs.get(i);
            if (required.contains(spec)) {
                runner.feed(compiled.placeholders().get(i), feeder.tensor(spec.name(), batch.get(spec.name())));
            }
        }
        if (withLabels) {
            if (!(compiled.evaluation().loss() instanceof SummedLoss loss)) {
                throw new IllegalStateException("the evaluation pass has no loss");
            }
            runner.fetch(loss.lossSum()).fetch(loss.itemCount());
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
        catch (RuntimeException e) {
            if (!TfErrors.isTensorFlowError(e)) {
                throw e;
            }
            throw new BackendException("evaluation of model '" + modelName + "'", workerFailure(e) + "evaluation of model '"
                    + modelName + "' failed: " + e.getMessage(), e);
        }
    }

    /** In a multi-worker run, which worker a TensorFlow error is about, as the message's first words; else "". */
    private String workerFailure(RuntimeException e) {
        if (cluster == null) {
            return "";
        }
        return TfCluster.failedWorker(cluster, e.getMessage())
                .map(worker -> worker + " failed or cannot be reached (multi-worker run; restart the job to resume from"
                        + " the last checkpoint): ")
                .orElse("");
    }

    /** Whether the evaluation pass has a loss. */
    public boolean evaluationHasLoss() {
        return !(compiled.evaluation().loss() instanceof NoLoss);
    }

    /** Runs {@code targets} (if any) in one run. */
    public void runTargets(List<Op> targets) {
        if (targets.isEmpty()) {
            return;
        }
        Session.Runner runner = session.runner();
        targets.forEach(runner::addTarget);
        runner.run().close();
    }

    public void save(TfCheckpoint checkpoint, Path directory) {
        checkpoint.save(session, directory);
    }

    public void restore(TfCheckpoint checkpoint, Path directory) {
        checkpoint.restore(session, directory);
    }

    /** The session, for code that runs its own ops on the graph (export, weight loading). */
    public Session session() {
        return session;
    }

    /** Every model variable and float32 engine state variable's value, by name. */
    public Map<String, float[]> readVariables() {
        Map<String, Operand<TFloat32>> reads = new LinkedHashMap<>();
        compiled.variables().forEach(variable -> reads.put(variable.name(), variable.read()));
        for (TfStateVariable<?> state : compiled.states()) {
            if (state.type() == TFloat32.class) {
                @SuppressWarnings("unchecked")
                Operand<TFloat32> read = (Operand<TFloat32>) state.read();
                reads.put(state.name(), read);
            }
        }
        Map<String, float[]> values = new LinkedHashMap<>();
        Session.Runner runner = session.runner();
        reads.values().forEach(runner::fetch);
        try (Result result = runner.run()) {
            int index = 0;
            for (String name : reads.keySet()) {
                // one copy, straight into the returned array (toHost's HostTensor and floats() would copy twice more)
                TFloat32 tensor = (TFloat32) result.get(index++);
                float[] host = new float[Math.toIntExact(tensor.shape().size())];
                tensor.copyTo(DataBuffers.of(host, false, false));
                values.put(name, host);
            }
        }
        return values;
    }

    /** The number of optimizer updates applied. */
    public long optimizerStep() {
        try (Result result = session.runner().fetch(compiled.optimizerStep()).run()) {
            return ((TInt64) result.get(0)).getLong();
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

    /** Closes the session (waiting for runs in flight) and the cached tensors; the graph stays open. */
    @Override
    public void close() {
        runners.clear();
        lastRunner = null;
        trainingLossRunner = null;
        try (session; learningRateTensor; randomKeyTensor; feeder; TfRandomBitsFeeder bits = randomBits) {
            // closed in reverse order: random bits, feeder, random key, learning rate, session
        }
    }
}
