package dev.trainer4j.tf.internal;

import dev.trainer4j.tf.TfVariable;
import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import static java.util.Objects.requireNonNull;

/**
 * Gradient checkpointing ({@code gradient-checkpointing}) of one training replica: the transformer layers the model
 * applied through {@code TfModelScope.checkpoint}, and the segmented backward pass that recomputes them.
 *
 * <p>In the forward pass each layer's output goes through a {@code StopGradient} (the cut), so no gradient of the
 * whole graph reaches into a layer and TensorFlow keeps none of its activations for the backward pass. The gradients
 * are then taken piece by piece with {@code addGradients(y, xs, dy)}, from the loss back to the inputs:
 * <ol>
 *   <li>the head: the loss with respect to the variables it reads and the cuts it reaches;</li>
 *   <li>each layer, last first: the layer is rebuilt (under the pass's {@value #RECOMPUTE_SCOPE} scope) on an
 *       {@code Identity} of its input that has a control input on the layer's upstream gradient, so the rebuilt
 *       layer runs in the backward pass, not earlier; the dropout-seed counters are those of the first build, so the
 *       masks are the same; the rebuilt output is differentiated with the upstream gradient as {@code dy};</li>
 *   <li>a layer input that is not a cut (the embeddings): differentiated with the gradient of that input.</li>
 * </ol>
 * A variable's partial gradients (a shared or tied variable has several) are added. Each piece's {@code xs} are the
 * trainable variables and cuts that its {@code y} reaches over data edges without crossing a cut.
 */
public final class TfCheckpointedBlocks {
    /** The sub-scope of a pass under which layers are rebuilt in the backward pass. */
    public static final String RECOMPUTE_SCOPE = "recompute";

    /** One checkpointed layer. */
    private record Segment(Operand<TFloat32> input, Operand<TFloat32> cut, UnaryOperator<Operand<TFloat32>> block,
                           Supplier<Ops> ops, Map<String, Integer> seedsBefore, Map<String, Integer> seedCalls) {
    }

    private final List<Segment> segments = new ArrayList<>();
    private boolean recomputing;

    /** Records a layer and returns its cut output. */
    Operand<TFloat32> record(Operand<TFloat32> input, Operand<TFloat32> cut, UnaryOperator<Operand<TFloat32>> block,
                             Supplier<Ops> ops, Map<String, Integer> seedsBefore, Map<String, Integer> seedCalls) {
        if (recomputing) {
            throw new IllegalStateException("a checkpointed layer applied another checkpointed layer");
        }
        segments.add(new Segment(requireNonNull(input, "input is null"), requireNonNull(cut, "cut is null"),
                requireNonNull(block, "block is null"), requireNonNull(ops, "ops is null"), seedsBefore, seedCalls));
        return cut;
    }

    /** True while a layer is rebuilt for the backward pass. */
    boolean recomputing() {
        return recomputing;
    }

    /** True when the model applied no layer through {@code checkpoint}. */
    public boolean isEmpty() {
        return segments.isEmpty();
    }

    /** The number of checkpointed layers. */
    public int size() {
        return segments.size();
    }

    /**
     * The gradient of {@code loss} with respect to each of {@code trainable} (same order; null where the loss does
     * not depend on it), taken in segments with every layer recomputed; the gradient ops go under {@code prefix} on
     * {@code device}.
     */
    public Output<?>[] gradients(Graph graph, String prefix, Operand<TFloat32> loss, List<TfVariable> trainable,
                                 DeviceSpec device) {
        requireNonNull(graph, "graph is null");
        requireNonNull(loss, "loss is null");
        Map<String, Integer> variableIndexes = new HashMap<>();
        for (int i = 0; i < trainable.size(); i++) {
            variableIndexes.put(trainable.get(i).read().op().name(), i);
        }
        Map<String, Integer> cutIndexes = new HashMap<>();
        for (int k = 0; k < segments.size(); k++) {
            cutIndexes.put(segments.get(k).cut().op().name(), k);
        }
        List<List<Output<?>>> variableParts = new ArrayList<>();
        trainable.forEach(variable -> variableParts.add(new ArrayList<>()));
        List<List<Output<?>>> upstream = new ArrayList<>();
        segments.forEach(segment -> upstream.add(new ArrayList<>()));
        Backward backward = new Backward(graph, prefix, device, variableIndexes, cutIndexes, variableParts, upstream);

        backward.differentiate("head", loss.asOutput(), null, null);
        for (int k = segments.size() - 1; k >= 0; k--) {
            Segment segment = segments.get(k);
            if (upstream.get(k).isEmpty()) {
                continue;
            }
            Ops sums = segment.ops().get().withSubScope(prefix + "_upstream_" + k);
            Output<?> dy = sum(sums, upstream.get(k));
            Operand<TFloat32> gatedInput;
            Operand<TFloat32> recomputed;
            Map<String, Integer> seedsAfter = new HashMap<>(segment.seedCalls());
            recomputing = true;
            try {
                segment.seedCalls().clear();
                segment.seedCalls().putAll(segment.seedsBefore());
                // the scope's ops while recomputing are under the pass's recompute scope
                gatedInput = segment.ops().get().withControlDependencyOps(dy.op()).identity(segment.input());
                recomputed = requireNonNull(segment.block().apply(gatedInput), "the recomputed layer returned null");
            }
            finally {
                recomputing = false;
                segment.seedCalls().clear();
                segment.seedCalls().putAll(seedsAfter);
            }
            Output<?> inputGradient = backward.differentiate("layer_" + k, recomputed.asOutput(), dy,
                    gatedInput.asOutput());
            if (inputGradient == null) {
                continue;
            }
            Integer producer = cutIndexes.get(segment.input().op().name());
            if (producer != null) {
                upstream.get(producer).add(inputGradient);
            }
            else {
                backward.differentiate("input_" + k, segment.input().asOutput(), inputGradient, null);
            }
        }
        Output<?>[] gradients = new Output<?>[trainable.size()];
        Ops sums = Ops.create(graph).withSubScope(prefix + "_sums");
        if (!device.toString().isEmpty()) {
            sums = sums.withDevice(device);
        }
        for (int i = 0; i < trainable.size(); i++) {
            if (!variableParts.get(i).isEmpty()) {
                gradients[i] = sum(sums, variableParts.get(i));
            }
        }
        return gradients;
    }

    @SuppressWarnings("unchecked")
    private static Output<?> sum(Ops ops, List<Output<?>> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        List<Operand<TFloat32>> typed = new ArrayList<>();
        parts.forEach(part -> typed.add((Output<TFloat32>) part));
        return ops.math.addN(typed).asOutput();
    }

    /** The pieces of one replica's backward pass. */
    private record Backward(Graph graph, String prefix, DeviceSpec device, Map<String, Integer> variableIndexes,
                            Map<String, Integer> cutIndexes, List<List<Output<?>>> variableParts,
                            List<List<Output<?>>> upstream) {

        /**
         * Differentiates {@code y} (with upstream gradient {@code dy}, or null for a scalar loss) with respect to the
         * trainable variables and cuts it reaches and {@code extra} (or null); adds the variables' and cuts' parts and
         * returns the gradient of {@code extra}.
         */
        Output<?> differentiate(String piece, Output<?> y, Output<?> dy, Output<?> extra) {
            Map<String, Output<?>> reached = reached(y, extra);
            if (reached.isEmpty()) {
                return null;
            }
            List<String> names = new ArrayList<>(reached.keySet());
            Output<?>[] xs = reached.values().toArray(Output<?>[]::new);
            Output<?>[] dxs = TfReplicaGradients.build(graph, List.of(new TfReplicaGradients.Replica(prefix + "_" + piece,
                    y, device, dy)), xs).get(0);
            Output<?> extraGradient = null;
            for (int i = 0; i < xs.length; i++) {
                if (dxs[i] == null) {
                    continue;
                }
                String name = names.get(i);
                if (extra != null && name.equals(extra.op().name())) {
                    extraGradient = dxs[i];
                }
                else if (variableIndexes.containsKey(name)) {
                    variableParts.get(variableIndexes.get(name)).add(dxs[i]);
                }
                else {
                    upstream.get(cutIndexes.get(name)).add(dxs[i]);
                }
            }
            return extraGradient;
        }

        /**
         * The trainable variable reads, cuts and {@code extra} that {@code y} reaches over data edges without crossing
         * any of them, by op name (each has one output).
         */
        private Map<String, Output<?>> reached(Output<?> y, Output<?> extra) {
            Map<String, Output<?>> reached = new LinkedHashMap<>();
            Set<String> seen = new HashSet<>();
            Deque<GraphOperation> pending = new ArrayDeque<>();
            pending.add((GraphOperation) y.op());
            seen.add(y.op().name());
            while (!pending.isEmpty()) {
                GraphOperation op = pending.removeFirst();
                String name = op.name();
                if ((extra != null && name.equals(extra.op().name())) || variableIndexes.containsKey(name)
                        || (cutIndexes.containsKey(name) && !name.equals(y.op().name()))) {
                    reached.put(name, op.output(0));
                    continue;
                }
                for (int i = 0; i < op.numInputs(); i++) {
                    GraphOperation input = (GraphOperation) op.input(i).op();
                    if (seen.add(input.name())) {
                        pending.add(input);
                    }
                }
            }
            return reached;
        }
    }
}
