package dev.trainer4j.tf.internal;

import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.GraphOperationBuilder;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Scope;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.GraphDef;
import org.tensorflow.proto.NodeDef;
import org.tensorflow.proto.OpDef;
import org.tensorflow.types.TFloat32;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The gradients of one replica's loss with every gradient op on the replica's device.
 *
 * <p>TensorFlow Java 1.1.0's {@code Graph.addGradients} (C {@code TF_AddGradientsWithPrefix}) creates its ops
 * without a device, whatever the scope. On the default device ("") that is what is wanted, and the gradients are
 * added to the graph directly. For an explicit device they are built in a scratch copy of the graph (one copy for
 * every replica of a call) and then copied op by op (same type, inputs and attributes, so the same numbers) into the
 * graph with the device set; a colocation attribute ({@code _class}) is dropped, since the device decides.
 */
public final class TfReplicaGradients {
    private static final String COLOCATION_ATTR = "_class";
    private static volatile Map<String, OpDef> opDefs;

    private TfReplicaGradients() {
    }

    /**
     * The gradient of {@code loss} with respect to each of {@code xs} (same order; null where {@code loss} does not
     * depend on it), its ops named under {@code prefix} and placed on {@code device} ("" lets TensorFlow place them).
     */
    public static Output<?>[] build(Graph graph, String prefix, Operand<TFloat32> loss, Output<?>[] xs, DeviceSpec device) {
        return build(graph, List.of(new Replica(prefix, loss, device)), xs).get(0);
    }

    /**
     * One replica's gradient request.
     *
     * @param prefix the name scope of its gradient ops
     * @param loss what is differentiated
     * @param device where its gradient ops go ("" lets TensorFlow place them)
     * @param upstream the gradient of {@code loss} ({@code dy}, same shape), or null for ones
     */
    public record Replica(String prefix, Operand<?> loss, DeviceSpec device, Output<?> upstream) {
        public Replica {
            requireNonNull(prefix, "prefix is null");
            requireNonNull(loss, "loss is null");
            requireNonNull(device, "device is null");
        }

        /** A request for the gradient of a scalar loss. */
        public Replica(String prefix, Operand<?> loss, DeviceSpec device) {
            this(prefix, loss, device, null);
        }

        private Output<?>[] dys() {
            return upstream == null ? null : new Output<?>[] {upstream};
        }
    }

    /**
     * The gradients of every replica's loss with respect to each of {@code xs}, in replica order. Replicas on an
     * explicit device are differentiated together in one scratch copy of the graph (one copy for all of them), and
     * their gradient ops copied back with their device set.
     */
    public static List<Output<?>[]> build(Graph graph, List<Replica> replicas, Output<?>[] xs) {
        requireNonNull(graph, "graph is null");
        requireNonNull(replicas, "replicas is null");
        requireNonNull(xs, "xs is null");
        List<Output<?>[]> results = new ArrayList<>();
        List<Integer> placed = new ArrayList<>();
        for (int r = 0; r < replicas.size(); r++) {
            Replica replica = replicas.get(r);
            if (replica.device().toString().isEmpty()) {
                results.add(graph.addGradients(replica.prefix(), new Output<?>[] {replica.loss().asOutput()}, xs,
                        replica.dys()));
            }
            else {
                results.add(null);
                placed.add(r);
            }
        }
        if (placed.isEmpty()) {
            return results;
        }
        GraphDef gradients;
        String[][] gradientNames = new String[replicas.size()][xs.length];
        int[][] gradientIndexes = new int[replicas.size()][xs.length];
        try (Graph scratch = new Graph()) {
            scratch.importGraphDef(graph.toGraphDef());
            Output<?>[] scratchXs = new Output<?>[xs.length];
            for (int i = 0; i < xs.length; i++) {
                scratchXs[i] = scratch.operation(xs[i].op().name()).output(xs[i].index());
            }
            for (int r : placed) {
                Operand<?> loss = replicas.get(r).loss();
                Output<?>[] scratchYs = {scratch.operation(loss.op().name()).output(loss.asOutput().index())};
                Output<?> upstream = replicas.get(r).upstream();
                Output<?>[] scratchUpstream = upstream == null ? null
                        : new Output<?>[] {scratch.operation(upstream.op().name()).output(upstream.index())};
                Output<?>[] dys = scratch.addGradients(replicas.get(r).prefix(), scratchYs, scratchXs, scratchUpstream);
                for (int i = 0; i < dys.length; i++) {
                    gradientNames[r][i] = dys[i] == null ? null : dys[i].op().name();
                    gradientIndexes[r][i] = dys[i] == null ? 0 : dys[i].index();
                }
            }
            gradients = scratch.toGraphDef();
        }
        // the scope's device is applied when an op is built, so the device goes into the scope (not setDevice)
        Map<String, Scope> scopes = new HashMap<>();
        for (int r : placed) {
            scopes.put(replicas.get(r).prefix() + "/",
                    org.tensorflow.op.Ops.create(graph).withDevice(replicas.get(r).device()).scope());
        }
        for (NodeDef node : gradients.getNodeList()) {
            Scope scope = scopeOf(scopes, node.getName());
            // only the gradient ops are copied (the scratch graph may hold ops of its own, such as an init op)
            if (scope != null && graph.operation(node.getName()) == null) {
                copy(graph, scope, node);
            }
        }
        for (int r : placed) {
            Output<?>[] result = new Output<?>[xs.length];
            for (int i = 0; i < xs.length; i++) {
                if (gradientNames[r][i] != null) {
                    result[i] = graph.operation(gradientNames[r][i]).output(gradientIndexes[r][i]);
                }
            }
            results.set(r, result);
        }
        return results;
    }

    /** The scope of the replica whose gradient prefix {@code name} is under, or null for an op of no replica. */
    private static Scope scopeOf(Map<String, Scope> scopes, String name) {
        for (Map.Entry<String, Scope> scope : scopes.entrySet()) {
            if (name.startsWith(scope.getKey())) {
                return scope.getValue();
            }
        }
        return null;
    }

    /** Adds {@code node} (whose inputs exist already: a GraphDef lists nodes in creation order) under {@code scope}. */
    private static void copy(Graph graph, Scope scope, NodeDef node) {
        OpDef opDef = opDefs().get(node.getOp());
        if (opDef == null) {
            throw new IllegalStateException("no op definition for '" + node.getOp() + "' of gradient op '" + node.getName() + "'");
        }
        GraphOperationBuilder builder = graph.opBuilder(node.getOp(), node.getName(), scope);
        List<String> data = new ArrayList<>();
        for (String input : node.getInputList()) {
            if (input.startsWith("^")) {
                builder.addControlInput(graph.operation(input.substring(1)));
            }
            else {
                data.add(input);
            }
        }
        int next = 0;
        for (OpDef.ArgDef arg : opDef.getInputArgList()) {
            int count = 1;
            boolean list = false;
            if (!arg.getNumberAttr().isEmpty()) {
                count = Math.toIntExact(node.getAttrOrThrow(arg.getNumberAttr()).getI());
                list = true;
            }
            else if (!arg.getTypeListAttr().isEmpty()) {
                count = node.getAttrOrThrow(arg.getTypeListAttr()).getList().getTypeCount();
                list = true;
            }
            if (list) {
                Output<?>[] outputs = new Output<?>[count];
                for (int i = 0; i < count; i++) {
                    outputs[i] = output(graph, data.get(next++));
                }
                builder.addInputList(outputs);
            }
            else {
                builder.addInput(output(graph, data.get(next++)));
            }
        }
        if (next != data.size()) {
            throw new IllegalStateException("gradient op '" + node.getName() + "' has " + data.size()
                    + " inputs, its op definition " + next);
        }
        for (Map.Entry<String, AttrValue> attr : node.getAttrMap().entrySet()) {
            // "_class" colocates an op with another (e.g. GatherV2's gradient with the variable read, on the variable's
            // device); the op is placed on the replica's device instead, so the constraint is dropped
            if (!attr.getKey().equals(COLOCATION_ATTR)) {
                builder.setAttr(attr.getKey(), attr.getValue());
            }
        }
        builder.build();
    }

    private static Output<?> output(Graph graph, String input) {
        int colon = input.lastIndexOf(':');
        String name = colon < 0 ? input : input.substring(0, colon);
        int index = colon < 0 ? 0 : Integer.parseInt(input.substring(colon + 1));
        GraphOperation op = (GraphOperation) graph.operation(name);
        if (op == null) {
            throw new IllegalStateException("gradient input '" + input + "' is not in the graph");
        }
        return op.output(index);
    }

    private static Map<String, OpDef> opDefs() {
        Map<String, OpDef> defs = opDefs;
        if (defs == null) {
            Map<String, OpDef> loaded = new HashMap<>();
            for (OpDef def : TensorFlow.registeredOpList().getOpList()) {
                loaded.put(def.getName(), def);
            }
            opDefs = defs = Map.copyOf(loaded);
        }
        return defs;
    }
}
