package dev.trainer4j.tf.internal;

import org.tensorflow.DeviceSpec;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.GraphOperationBuilder;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.TensorFlow;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;
import org.tensorflow.proto.AttrValue;
import org.tensorflow.proto.DataType;
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
    /** The attribute that colocates an op with another; copies placed on a device of their own drop it. */
    static final String COLOCATION_ATTR = "_class";
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
                    Ops.create(graph).withDevice(replicas.get(r).device()).scope());
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

    /**
     * The gradient of {@code loss} with respect to each of {@code xs} (same order; null where {@code loss} does not
     * depend on it) with every gradient op on the device of the forward op it differentiates (TensorFlow's
     * {@code colocate_gradients_with_ops}), for {@code strategy = model-parallel}.
     *
     * <p>TensorFlow's C gradient builder names its ops flatly ({@code <prefix>/MatMul_2}), so which forward op an op
     * belongs to cannot be read back. The backward pass is therefore built here one forward op at a time, in reverse
     * creation order: for each op F on a floating path from {@code xs} to {@code loss}, the gradients of F's outputs
     * (their contributions added by {@code AddN} in {@code <prefix>/<F>_grad_sum}) are differentiated with respect to
     * F's floating inputs by one {@code addGradients} call named {@code <prefix>/<F>_grad}. That call differentiates
     * a stand-in copy of F whose differentiated inputs are placeholders: F's inputs may depend on each other (x and
     * mean(x) in a layer norm), and a call on F itself would follow that dependence and count it twice. Everything is
     * built in a scratch copy of the graph and copied back, the stand-in and its placeholders replaced by F and its
     * inputs, with F's device ("" where F has none).
     */
    public static Output<?>[] buildColocated(Graph graph, String prefix, Operand<TFloat32> loss, Output<?>[] xs) {
        requireNonNull(graph, "graph is null");
        requireNonNull(prefix, "prefix is null");
        requireNonNull(loss, "loss is null");
        requireNonNull(xs, "xs is null");
        GraphDef forward = graph.toGraphDef();
        List<NodeDef> nodes = forward.getNodeList();
        Map<String, String> forwardDevices = new HashMap<>();
        nodes.forEach(node -> forwardDevices.put(node.getName(), node.getDevice()));
        String lossOp = loss.op().name();
        java.util.Set<String> xOps = new java.util.HashSet<>();
        java.util.Set<String> xNames = new java.util.HashSet<>();
        for (Output<?> x : xs) {
            xOps.add(x.op().name());
            xNames.add(x.op().name() + ":" + x.index());
        }
        Map<String, String> deviceOfPrefix = new java.util.LinkedHashMap<>();
        // stand-in placeholders to the forward tensors they stand for, stand-in ops to their forward ops
        Map<String, String> renames = new HashMap<>();
        Map<String, String> standIns = new HashMap<>();
        Output<?>[] scratchResult = new Output<?>[xs.length];
        String[] gradientNames = new String[xs.length];
        int[] gradientIndexes = new int[xs.length];
        GraphDef built;
        try (Graph scratch = new Graph()) {
            scratch.importGraphDef(forward);
            // ops downstream of xs along floating edges, then those of them upstream of the loss
            java.util.Set<String> fromXs = new java.util.HashSet<>();
            for (NodeDef node : nodes) {
                if (xOps.contains(node.getName())) {
                    continue;
                }
                for (String input : node.getInputList()) {
                    if (!input.startsWith("^") && floating(scratch, input)
                            && (xNames.contains(tensorName(input)) || fromXs.contains(opName(input)))) {
                        fromXs.add(node.getName());
                        break;
                    }
                }
            }
            java.util.Set<String> path = new java.util.HashSet<>();
            if (fromXs.contains(lossOp)) {
                path.add(lossOp);
            }
            for (int i = nodes.size() - 1; i >= 0; i--) {
                NodeDef node = nodes.get(i);
                if (!path.contains(node.getName())) {
                    continue;
                }
                for (String input : node.getInputList()) {
                    if (!input.startsWith("^") && fromXs.contains(opName(input)) && floating(scratch, input)) {
                        path.add(opName(input));
                    }
                }
            }
            // the backward pass, op by op
            Map<String, List<Output<?>>> contributions = new HashMap<>();
            String seedPrefix = prefix + "/seed";
            deviceOfPrefix.put(seedPrefix + "/", forwardDevices.get(lossOp));
            Output<?> lossOutput = scratch.operation(lossOp).output(loss.asOutput().index());
            contributions.computeIfAbsent(tensorName(lossOp + ":" + loss.asOutput().index()), k -> new ArrayList<>())
                    .add(scratch.opBuilder("OnesLike", seedPrefix + "/OnesLike", Ops.create(scratch).scope())
                            .addInput(lossOutput).build().output(0));
            for (int i = nodes.size() - 1; i >= 0; i--) {
                NodeDef node = nodes.get(i);
                if (!path.contains(node.getName())) {
                    continue;
                }
                GraphOperation op = (GraphOperation) scratch.operation(node.getName());
                List<Integer> differentiated = new ArrayList<>();
                List<Output<?>> dys = new ArrayList<>();
                String sumPrefix = prefix + "/" + node.getName() + "_grad_sum";
                for (int output = 0; output < op.numOutputs(); output++) {
                    List<Output<?>> parts = contributions.remove(node.getName() + ":" + output);
                    if (parts != null) {
                        differentiated.add(output);
                        dys.add(sum(scratch, sumPrefix + "/AddN_" + output, parts));
                    }
                }
                if (differentiated.isEmpty()) {
                    continue;
                }
                deviceOfPrefix.put(sumPrefix + "/", node.getDevice());
                List<String> inputs = new ArrayList<>();
                for (String input : node.getInputList()) {
                    String name = tensorName(input);
                    if (!input.startsWith("^") && floating(scratch, input) && !inputs.contains(name)
                            && (xNames.contains(name) || path.contains(opName(input)))) {
                        inputs.add(name);
                    }
                }
                if (inputs.isEmpty()) {
                    continue;
                }
                // F is differentiated as a stand-in whose differentiated inputs are placeholders: its inputs may
                // depend on each other (x and mean(x)), and a gradient call would otherwise follow that dependence
                String standInPrefix = prefix + "/" + node.getName() + "_grad_stand_in/";
                Map<String, String> standInInputs = new HashMap<>();
                Output<?>[] placeholders = new Output<?>[inputs.size()];
                for (int j = 0; j < inputs.size(); j++) {
                    Output<?> actual = output(scratch, inputs.get(j));
                    String name = standInPrefix + "input_" + j;
                    placeholders[j] = scratch.opBuilder("Placeholder", name, Ops.create(scratch).scope())
                            .setAttr("dtype", actual.dataType()).setAttr("shape", actual.shape()).build().output(0);
                    standInInputs.put(inputs.get(j), name);
                    renames.put(name, inputs.get(j));
                }
                NodeDef.Builder standIn = node.toBuilder().setName(standInPrefix + "op").clearInput().clearDevice();
                for (String input : node.getInputList()) {
                    if (!input.startsWith("^")) {
                        standIn.addInput(standInInputs.getOrDefault(tensorName(input), input));
                    }
                }
                standIns.put(standInPrefix + "op", node.getName());
                copy(scratch, Ops.create(scratch).scope(), standIn.build());
                GraphOperation standInOp = (GraphOperation) scratch.operation(standInPrefix + "op");
                Output<?>[] ys = differentiated.stream().map(standInOp::output).toArray(Output<?>[]::new);
                String opPrefix = prefix + "/" + node.getName() + "_grad";
                deviceOfPrefix.put(opPrefix + "/", node.getDevice());
                Output<?>[] dxs = scratch.addGradients(opPrefix, ys, placeholders, dys.toArray(Output<?>[]::new));
                for (int j = 0; j < dxs.length; j++) {
                    if (dxs[j] != null) {
                        contributions.computeIfAbsent(inputs.get(j), k -> new ArrayList<>()).add(dxs[j]);
                    }
                }
            }
            for (int i = 0; i < xs.length; i++) {
                String name = xs[i].op().name() + ":" + xs[i].index();
                List<Output<?>> parts = contributions.get(name);
                if (parts != null) {
                    String sumPrefix = prefix + "/" + xs[i].op().name() + "_grad_sum";
                    deviceOfPrefix.put(sumPrefix + "/", forwardDevices.get(xs[i].op().name()));
                    scratchResult[i] = sum(scratch, sumPrefix + "/AddN", parts);
                    gradientNames[i] = scratchResult[i].op().name();
                    gradientIndexes[i] = scratchResult[i].index();
                }
            }
            built = scratch.toGraphDef();
        }
        Map<String, Scope> scopes = new java.util.LinkedHashMap<>();
        Map<String, Scope> byDevice = new HashMap<>();
        deviceOfPrefix.forEach((opPrefix, device) -> scopes.put(opPrefix, byDevice.computeIfAbsent(device,
                d -> d.isEmpty() ? Ops.create(graph).scope()
                        : Ops.create(graph).withDevice(dev.trainer4j.tf.TfDevices.of(d).deviceSpec(0))
                                .scope())));
        for (NodeDef node : built.getNodeList()) {
            if (!node.getName().startsWith(prefix + "/") || graph.operation(node.getName()) != null
                    || renames.containsKey(node.getName()) || standIns.containsKey(node.getName())) {
                continue;
            }
            NodeDef.Builder renamed = node.toBuilder().clearInput();
            for (String input : node.getInputList()) {
                renamed.addInput(rename(input, renames, standIns));
            }
            copy(graph, scopeOf(scopes, node.getName(), prefix), renamed.build());
        }
        Output<?>[] result = new Output<?>[xs.length];
        for (int i = 0; i < xs.length; i++) {
            if (gradientNames[i] != null) {
                result[i] = graph.operation(gradientNames[i]).output(gradientIndexes[i]);
            }
        }
        return result;
    }

    /** {@code input} with a stand-in placeholder replaced by its forward tensor and a stand-in op by its forward op. */
    private static String rename(String input, Map<String, String> renames, Map<String, String> standIns) {
        boolean control = input.startsWith("^");
        String op = opName(input);
        String index = input.indexOf(':') < 0 ? "0" : input.substring(input.lastIndexOf(':') + 1);
        if (renames.containsKey(op)) {
            return (control ? "^" + opName(renames.get(op)) : renames.get(op));
        }
        if (standIns.containsKey(op)) {
            return control ? "^" + standIns.get(op) : standIns.get(op) + ":" + index;
        }
        return input;
    }

    /** One output, or their sum (an {@code AddN} named {@code name}) in the order they were made. */
    private static Output<?> sum(Graph scratch, String name, List<Output<?>> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        return scratch.opBuilder("AddN", name, Ops.create(scratch).scope()).addInputList(parts.toArray(Output<?>[]::new))
                .build().output(0);
    }

    /**
     * The scope of the longest prefix {@code name} is under (the op's forward op); an op under none of them (none
     * expected) is an error naming it.
     */
    private static Scope scopeOf(Map<String, Scope> scopes, String name, String prefix) {
        String best = null;
        for (String candidate : scopes.keySet()) {
            if (name.startsWith(candidate) && (best == null || candidate.length() > best.length())) {
                best = candidate;
            }
        }
        if (best == null) {
            throw new IllegalStateException("gradient op '" + name + "' under '" + prefix + "' belongs to no forward op");
        }
        return scopes.get(best);
    }

    private static boolean floating(Graph graph, String input) {
        return floating(output(graph, input).dataType());
    }

    /** Whether {@code type} is one of the floating-point types a gradient or a precision cast can flow through. */
    static boolean floating(DataType type) {
        return type == DataType.DT_FLOAT || type == DataType.DT_HALF || type == DataType.DT_BFLOAT16
                || type == DataType.DT_DOUBLE;
    }

    private static String opName(String input) {
        String name = input.startsWith("^") ? input.substring(1) : input;
        int colon = name.lastIndexOf(':');
        return colon < 0 ? name : name.substring(0, colon);
    }

    private static String tensorName(String input) {
        return input.indexOf(':') < 0 ? input + ":0" : input;
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

    /** The output an input string ({@code name} or {@code name:index}) of a NodeDef names. */
    static Output<?> output(Graph graph, String input) {
        int colon = input.lastIndexOf(':');
        String name = colon < 0 ? input : input.substring(0, colon);
        int index = colon < 0 ? 0 : Integer.parseInt(input.substring(colon + 1));
        GraphOperation op = (GraphOperation) graph.operation(name);
        if (op == null) {
            throw new IllegalStateException("gradient input '" + input + "' is not in the graph");
        }
        return op.output(index);
    }

    /** Every registered op's definition by name. */
    static Map<String, OpDef> opDefs() {
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
