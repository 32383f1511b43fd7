package dev.trainer4j.tf.nn;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Operation;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A test-only {@link TfModelScope}: ref variables ({@code VariableV2}) named by their full path with their
 * {@code Assign} in the init scope, read through identity, reused by name; the random seed is a [2] int64 base
 * seed (constant or placeholder) plus a hash of the scope path.
 *
 * <p>One {@link Ops} per path is created once and shared: {@code Ops.withSubScope} makes names unique, so a second
 * {@code withSubScope("encoder")} would become {@code encoder_1}.
 */
public final class TestModelScope implements TfModelScope {
    private final State state;
    private final String path;
    private final boolean training;
    private final boolean fusedKernels;

    private record Entry(Output<TFloat32> variable, Shape shape, VariableRole role) {
    }

    private record State(Graph graph, Operand<TInt64> baseSeed, Map<String, Ops> opsByPath,
            Map<String, Entry> registry) {
    }

    private TestModelScope(State state, String path, boolean training, boolean fusedKernels) {
        this.state = state;
        this.path = path;
        this.training = training;
        this.fusedKernels = fusedKernels;
    }

    /** A root scope whose random seed is the constant {@code [seed, 0]}. */
    public static TestModelScope create(Graph graph, boolean training, long seed) {
        return create(graph, training, Ops.create(graph).constant(new long[] {seed, 0}));
    }

    /** A root scope with the given [2] int64 base seed (e.g. a placeholder). */
    public static TestModelScope create(Graph graph, boolean training, Operand<TInt64> baseSeed) {
        Map<String, Ops> opsByPath = new HashMap<>();
        opsByPath.put("", Ops.create(graph));
        return new TestModelScope(new State(graph, requireNonNull(baseSeed, "baseSeed is null"), opsByPath,
                new LinkedHashMap<>()), "", training, false);
    }

    /** A scope over the same variables and names with another training flag (the evaluation pass). */
    public TestModelScope withTraining(boolean training) {
        return new TestModelScope(state, path, training, fusedKernels);
    }

    /** An inference scope over the same variables whose layer norms take the fusable form. */
    public TestModelScope withFusedKernels() {
        return new TestModelScope(state, path, false, true);
    }

    @Override
    public boolean fusedKernels() {
        return fusedKernels;
    }

    @Override
    public Ops tf() {
        return state.opsByPath().get(path);
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public TfModelScope child(String name) {
        String childPath = path.isEmpty() ? name : path + "/" + name;
        state.opsByPath().computeIfAbsent(childPath, ignored -> tf().withSubScope(name));
        return new TestModelScope(state, childPath, training, fusedKernels);
    }

    @Override
    public boolean training() {
        return training;
    }

    @Override
    public Operand<TFloat32> variable(String name, Shape shape, TfInitializer initializer, VariableRole role) {
        String fullName = path.isEmpty() ? name : path + "/" + name;
        Entry entry = state.registry().get(fullName);
        if (entry == null) {
            Ops init = state.opsByPath().get("").withInitScope();
            // initial values must not depend on feeds, so their seed is a constant
            Operand<TInt64> seed = init.constant(new long[] {17, fullName.hashCode()});
            Operand<TFloat32> initialValue = initializer.initialValue(init, shape, seed);
            Operation variable = state.graph().opBuilder("VariableV2", fullName, init.scope())
                    .setAttr("shape", shape)
                    .setAttr("dtype", org.tensorflow.proto.DataType.DT_FLOAT)
                    .build();
            Output<TFloat32> output = variable.output(0);
            init.assign(output, initialValue);
            entry = new Entry(output, shape, role);
            state.registry().put(fullName, entry);
        } else if (!entry.shape().equals(shape) || entry.role() != role) {
            throw new IllegalArgumentException("variable " + fullName + " exists with " + entry.shape() + " "
                    + entry.role() + ", requested " + shape + " " + role);
        }
        return tf().identity(entry.variable());
    }

    @Override
    public Operand<TInt64> randomSeed() {
        return tf().math.add(state.baseSeed(), tf().constant(new long[] {0, path.hashCode()}));
    }

    /** Every variable created so far, by full name: the raw variable outputs (differentiate through these). */
    public Map<String, Output<TFloat32>> variables() {
        Map<String, Output<TFloat32>> result = new LinkedHashMap<>();
        state.registry().forEach((name, entry) -> result.put(name, entry.variable()));
        return result;
    }

    /** The roles of every variable, by full name. */
    public Map<String, VariableRole> roles() {
        Map<String, VariableRole> result = new LinkedHashMap<>();
        state.registry().forEach((name, entry) -> result.put(name, entry.role()));
        return result;
    }

    public List<String> variableNames() {
        return List.copyOf(state.registry().keySet());
    }
}
