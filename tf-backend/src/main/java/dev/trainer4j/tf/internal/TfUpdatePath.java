package dev.trainer4j.tf.internal;

import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.tf.TfVariable;
import dev.trainer4j.tf.internal.TfCompiledGraph.TfUpdateStep;
import dev.trainer4j.tf.internal.TfVariableStore.StateGroup;
import dev.trainer4j.tf.optim.TfOptimizer;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.math.Add;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt64;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import static java.util.Objects.requireNonNull;

/**
 * The update path of a training graph, built from the loss sum, the item count and the gradient sums: the
 * optimizer's slots, the fused step and, with {@code gradient-accumulation-steps > 1}, the accumulation buffers, the
 * accumulate op and the step that updates from the window's totals. An update divides the gradient sum by the
 * window's item count, clips by global norm ({@code max-grad-norm}, torch's rule) and runs the optimizer behind a
 * finite gate: a {@code Switch} on "loss and global norm are finite" makes every write dead on a non-finite step, so
 * no weight, slot or counter is written. The step number and the optimizer's scalars are built ungated, so they run
 * beside the backward pass. Each step also names its gradients before clipping ({@link TfUpdateStep#gradients()}), which
 * a step that captures gradients fetches.
 */
public final class TfUpdatePath {
    private final Ops engine;
    private final java.util.function.Function<String, Ops> engineScopes;
    private final TfVariableStore store;
    private final TrainingArguments args;
    private final TfOptimizer optimizer;
    private final Counters counters;
    private final Operand<TFloat32> learningRate;
    private final ToDoubleFunction<String> learningRateMultiplier;
    private final TfMixedPrecision.LossScale lossScale;

    /**
     * The engine's counters an update writes.
     *
     * @param step the number of optimizer updates applied
     * @param lossSum the running sum of finite steps' mean losses
     * @param lossSteps the number of finite steps in {@code lossSum}
     * @param lastGradNorm the last step's global gradient norm
     */
    public record Counters(TfStateVariable<TInt64> step, TfStateVariable<TFloat64> lossSum,
                           TfStateVariable<TInt64> lossSteps, TfStateVariable<TFloat64> lastGradNorm) {
        public Counters {
            requireNonNull(step, "step is null");
            requireNonNull(lossSum, "lossSum is null");
            requireNonNull(lossSteps, "lossSteps is null");
            requireNonNull(lastGradNorm, "lastGradNorm is null");
        }
    }

    /**
     * @param engine the engine's ops ({@code trainer4j} scope); the paths are built under its sub-scopes
     * @param store where the optimizer slots and accumulation buffers are created
     * @param learningRateMultiplier the factor on the learning rate of each variable, by name (> 0): variables with
     *        a factor other than 1 are updated at {@code learningRate * factor} (one optimizer call per factor)
     */
    public TfUpdatePath(Ops engine, TfVariableStore store, TrainingArguments args, TfOptimizer optimizer,
                        Counters counters, Operand<TFloat32> learningRate, ToDoubleFunction<String> learningRateMultiplier) {
        this(engine, store, args, optimizer, counters, learningRate, learningRateMultiplier, null);
    }

    /**
     * As above, with the dynamic loss scale of {@code fp16} (null: none). With a scale, every update also updates the
     * scale (halved on a step whose gradients are not finite, which writes nothing else), and the step reports the
     * loss's finiteness only: a gradient overflow is the scaler's business, as in HF.
     */
    public TfUpdatePath(Ops engine, TfVariableStore store, TrainingArguments args, TfOptimizer optimizer,
                        Counters counters, Operand<TFloat32> learningRate, ToDoubleFunction<String> learningRateMultiplier,
                        TfMixedPrecision.LossScale lossScale) {
        this(engine, store, args, optimizer, counters, learningRate, learningRateMultiplier, lossScale,
                engine::withSubScope);
    }

    /**
     * As above, with the engine's sub-scopes ({@code step}, {@code accumulate}, {@code step_accumulated}) made by
     * {@code engineScopes} (e.g. {@link TfNameScopedGraph#subScope}, which does not scan the graph).
     */
    public TfUpdatePath(Ops engine, TfVariableStore store, TrainingArguments args, TfOptimizer optimizer,
                        Counters counters, Operand<TFloat32> learningRate, ToDoubleFunction<String> learningRateMultiplier,
                        TfMixedPrecision.LossScale lossScale, java.util.function.Function<String, Ops> engineScopes) {
        this.engineScopes = requireNonNull(engineScopes, "engineScopes is null");
        this.lossScale = lossScale;
        this.learningRateMultiplier = requireNonNull(learningRateMultiplier, "learningRateMultiplier is null");
        this.engine = requireNonNull(engine, "engine is null");
        this.store = requireNonNull(store, "store is null");
        this.args = requireNonNull(args, "args is null");
        this.optimizer = requireNonNull(optimizer, "optimizer is null");
        this.counters = requireNonNull(counters, "counters is null");
        this.learningRate = requireNonNull(learningRate, "learningRate is null");
    }

    /**
     * Builds the slots and the update ops of {@code trainable}.
     *
     * @param gradientSums the gradient of {@code lossSum} per trainable variable, same order
     */
    public TfTrainingGraph build(List<TfVariable> trainable, List<Operand<TFloat32>> gradientSums,
                                 Operand<TFloat32> lossSum, Operand<TFloat32> itemCount) {
        optimizer.createSlots((variable, slot, shape) -> store.state("optimizer/" + variable.name() + "/" + slot,
                TFloat32.class, shape, StateGroup.OPTIMIZER, tf -> zeros(tf, shape)).ref(), trainable);

        TfUpdateStep fused = buildUpdate(engineScopes.apply("step"), trainable, gradientSums, lossSum, itemCount,
                List.of());
        if (args.gradientAccumulationSteps() <= 1) {
            return new TfTrainingGraph(trainable, optimizer.name(), fused, new TfTrainingGraph.NotAccumulating());
        }
        Ops ops = engineScopes.apply("accumulate");
        List<TfStateVariable<TFloat32>> buffers = new ArrayList<>();
        for (TfVariable variable : trainable) {
            buffers.add(store.state("trainer4j/accumulation/" + variable.name(), TFloat32.class, variable.shape(),
                    StateGroup.ACCUMULATION, tf -> zeros(tf, variable.shape())));
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
        Op accumulate = ops.withControlDependencies(adds).noOp();

        Ops stepOps = engineScopes.apply("step_accumulated");
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
            zeroing.add(afterReads.assign(buffer.ref(), zeros(afterReads, buffer.shape())));
        }
        zeroing.add(afterReads.assign(lossBuffer.ref(), afterReads.constant(0f)));
        zeroing.add(afterReads.assign(countBuffer.ref(), afterReads.constant(0f)));
        TfUpdateStep accumulated = buildUpdate(stepOps, trainable, totals, totalLoss, totalCount, zeroing);
        return new TfTrainingGraph(trainable, optimizer.name(), fused,
                new TfTrainingGraph.Accumulating(accumulate, accumulated));
    }

    private TfUpdateStep buildUpdate(Ops ops, List<TfVariable> variables, List<Operand<TFloat32>> gradientSums,
                                     Operand<TFloat32> lossSum, Operand<TFloat32> itemCount, List<Op> alwaysAfter) {
        Operand<TFloat32> inverseCount = ops.math.div(ops.constant(1f), itemCount);
        List<Operand<TFloat32>> gradients = new ArrayList<>();
        List<Operand<TFloat32>> unclipped = gradients;
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
        Operand<TInt64> stepNumber = ops.math.add(counters.step().read(), ops.constant(1L));
        List<Op> updates = optimizerUpdates(gated, ops.withSubScope("optimizer_scalars"), variables, gradients,
                stepNumber);
        List<Op> targets = new ArrayList<>();
        targets.add(gated.withControlDependencies(updates).assign(counters.step().ref(), stepNumber));
        targets.add(ops.assignAdd(counters.lossSum().ref(),
                ops.select(finite, ops.dtypes.cast(meanLoss, TFloat64.class), ops.constant(0.0))));
        targets.add(ops.assignAdd(counters.lossSteps().ref(), ops.select(finite, ops.constant(1L), ops.constant(0L))));
        targets.add(ops.assign(counters.lastGradNorm().ref(), ops.dtypes.cast(norm, TFloat64.class)));
        targets.addAll(alwaysAfter);
        if (lossScale != null) {
            targets.addAll(lossScale.update(ops, finite));
            return new TfUpdateStep(ops.withControlDependencies(targets).noOp(), ops.math.isFinite(meanLoss), unclipped);
        }
        return new TfUpdateStep(ops.withControlDependencies(targets).noOp(), finite, unclipped);
    }

    /**
     * The optimizer's updates: one call for the variables at the plain learning rate and one per other factor (the
     * slots are shared, so a group's call finds its variables' slots), in the variables' order of first appearance.
     */
    private List<Op> optimizerUpdates(Ops gated, Ops ungated, List<TfVariable> variables,
                                      List<Operand<TFloat32>> gradients, Operand<TInt64> stepNumber) {
        Map<Double, List<Integer>> groups = new LinkedHashMap<>();
        for (int i = 0; i < variables.size(); i++) {
            double factor = learningRateMultiplier.applyAsDouble(variables.get(i).name());
            if (!(factor > 0) || Double.isInfinite(factor)) {
                throw new IllegalArgumentException("the learning-rate multiplier of variable '" + variables.get(i).name()
                        + "' is " + factor + "; expected a finite number > 0");
            }
            groups.computeIfAbsent(factor, ignored -> new ArrayList<>()).add(i);
        }
        if (groups.size() == 1 && groups.containsKey(1.0)) {
            return optimizer.buildUpdates(gated, ungated, variables, gradients, learningRate, stepNumber);
        }
        List<Op> updates = new ArrayList<>();
        for (Map.Entry<Double, List<Integer>> group : groups.entrySet()) {
            Operand<TFloat32> rate = group.getKey() == 1.0 ? learningRate
                    : ungated.math.mul(learningRate, ungated.constant(group.getKey().floatValue()));
            List<TfVariable> members = new ArrayList<>();
            List<Operand<TFloat32>> memberGradients = new ArrayList<>();
            for (int i : group.getValue()) {
                members.add(variables.get(i));
                memberGradients.add(gradients.get(i));
            }
            updates.addAll(optimizer.buildUpdates(gated, ungated, members, memberGradients, rate, stepNumber));
        }
        return updates;
    }

    /**
     * A float32 zero tensor of {@code shape} through {@code Fill}: {@code Ops.zeros} opens a sub-scope, which scans
     * every op of the graph, once per variable (quadratic in the model size at compile).
     */
    private static Operand<TFloat32> zeros(Ops tf, Shape shape) {
        return tf.fill(tf.constant(shape.asArray()), tf.constant(0f));
    }
}
