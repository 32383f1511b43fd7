package dev.trainer4j.tf.internal;

import dev.trainer4j.tf.TfVariable;
import dev.trainer4j.tf.nn.TfInitializer;
import dev.trainer4j.tf.nn.VariableRole;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * The engine's variable registry. Model variables are {@code VariableV2} ops named exactly by their hierarchical
 * name, initialised in the init scope from their {@link TfInitializer} with a [2] int64 seed derived from
 * (run seed, hash of the full name), and always read through one {@code Identity} ({@code <name>/read}).
 * Engine state (optimizer slots and counters, loss accumulators, accumulation buffers) lives in the same graph as
 * {@link TfStateVariable}s with a reset op each.
 */
public final class TfVariableStore {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9.][A-Za-z0-9_.\\-]*(/[A-Za-z0-9.][A-Za-z0-9_.\\-]*)*");

    /** What a state variable belongs to; decides which checkpoint covers it and what a reset touches. */
    public enum StateGroup { OPTIMIZER, METRICS, ACCUMULATION }

    private final Graph graph;
    private final Ops root;
    private final Ops init;
    private final long seed;
    private final Map<String, TfVariable> variables = new LinkedHashMap<>();
    private final Map<String, TfStateVariable<?>> states = new LinkedHashMap<>();
    private TfDeviceMap deviceMap = TfDeviceMap.NONE;

    public TfVariableStore(Graph graph, Ops root, long seed) {
        this.graph = requireNonNull(graph, "graph is null");
        this.root = requireNonNull(root, "root is null");
        this.init = root.withSubScope("trainer4j_init").withInitScope();
        this.seed = seed;
    }

    /** The model variable {@code name}, created on first request; a reuse must agree on shape and role. */
    public synchronized TfVariable variable(String name, Shape shape, TfInitializer initializer, VariableRole role) {
        requireNonNull(name, "name is null");
        requireNonNull(shape, "shape is null");
        requireNonNull(initializer, "initializer is null");
        requireNonNull(role, "role is null");
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid variable name '" + name
                    + "': use path segments of letters, digits, '.', '_' and '-' separated by '/'");
        }
        if (shape.isUnknown() || shape.hasUnknownDimension()) {
            throw new IllegalArgumentException("variable '" + name + "' needs a fully known shape, got " + shape);
        }
        TfVariable existing = variables.get(name);
        if (existing != null) {
            if (!existing.shape().equals(shape) || existing.role() != role) {
                throw new IllegalArgumentException("variable '" + name + "' was created with shape " + existing.shape()
                        + " and role " + existing.role() + " but is requested again with shape " + shape + " and role " + role);
            }
            return existing;
        }
        if (states.containsKey(name)) {
            throw new IllegalArgumentException("variable name '" + name + "' is taken by engine state");
        }
        Output<TFloat32> ref = newVariable(name, shape, DataType.DT_FLOAT, deviceMap.isEmpty() ? "" : deviceMap.requireDeviceOf(name));
        long nameHash = StableHash.of(name);
        Operand<TInt64> initSeed = init.constant(new long[] {seed, nameHash});
        Operand<TFloat32> initial = requireNonNull(initializer.initialValue(init, shape, initSeed),
                () -> "initializer of '" + name + "' returned null");
        init.assign(ref, initial);
        Operand<TFloat32> read = identity(name + "/read", ref, deviceMap.isEmpty() ? "" : deviceMap.requireDeviceOf(name));
        TfVariable variable = new TfVariable(name, shape, role, ref, read);
        variables.put(name, variable);
        return variable;
    }

    /** The scope of every state variable's reset, opened on first use. */
    private Ops resetOps;

    /** Engine state: a variable initialised (and reset) to {@code initialValue}. */
    public synchronized <T extends TType> TfStateVariable<T> state(String name, Class<T> type, Shape shape, StateGroup group,
                                                                  Function<Ops, Operand<T>> initialValue) {
        if (variables.containsKey(name) || states.containsKey(name)) {
            throw new IllegalArgumentException("state variable '" + name + "' already exists");
        }
        Output<T> ref = newVariable(name, shape, dataType(type), "");
        init.assign(ref, initialValue.apply(init));
        if (resetOps == null) {
            // one sub-scope for every reset: opening one scans every op of the graph
            resetOps = root.withSubScope("trainer4j_reset");
        }
        Op reset = resetOps.assign(ref, initialValue.apply(resetOps));
        Operand<T> read = identity(name + "/read", ref, "");
        TfStateVariable<T> state = new TfStateVariable<>(name, type, shape, group, ref, read, reset, initialValue);
        states.put(name, state);
        return state;
    }

    public List<TfVariable> variables() {
        return List.copyOf(variables.values());
    }

    public List<TfStateVariable<?>> states(StateGroup group) {
        List<TfStateVariable<?>> selected = new ArrayList<>();
        for (TfStateVariable<?> state : states.values()) {
            if (state.group() == group) {
                selected.add(state);
            }
        }
        return Collections.unmodifiableList(selected);
    }

    public long parameterCount() {
        return variables.values().stream().mapToLong(TfVariable::size).sum();
    }

    private <T extends TType> Output<T> newVariable(String name, Shape shape, DataType dataType, String device) {
        if (graph.operation(name) != null) {
            throw new IllegalArgumentException("variable name '" + name + "' clashes with an existing graph op");
        }
        // the scope's device is applied when the op is built, so a placed variable is built in a placed scope
        Ops scope = device.isEmpty() ? init : init.withDevice(dev.trainer4j.tf.TfDevices.of(device).deviceSpec(0));
        GraphOperation op = graph.opBuilder("VariableV2", name, scope.scope())
                .setAttr("shape", shape)
                .setAttr("dtype", dataType)
                .build();
        return op.output(0);
    }

    private <T extends TType> Operand<T> identity(String name, Output<T> ref, String device) {
        Ops scope = device.isEmpty() ? root : root.withDevice(dev.trainer4j.tf.TfDevices.of(device).deviceSpec(0));
        GraphOperation op = graph.opBuilder("Identity", name, scope.scope()).addInput(ref).build();
        return op.output(0);
    }

    /**
     * Places the model variables created from now on by {@code deviceMap} ({@code strategy = model-parallel}); a
     * variable it leaves unplaced is an error.
     */
    public void placeVariables(TfDeviceMap deviceMap) {
        this.deviceMap = requireNonNull(deviceMap, "deviceMap is null");
    }

    static DataType dataType(Class<? extends TType> type) {
        if (type == TFloat32.class) {
            return DataType.DT_FLOAT;
        }
        if (type == TFloat64.class) {
            return DataType.DT_DOUBLE;
        }
        if (type == TInt64.class) {
            return DataType.DT_INT64;
        }
        if (type == TInt32.class) {
            return DataType.DT_INT32;
        }
        throw new IllegalArgumentException("unsupported state type " + type.getSimpleName());
    }
}
