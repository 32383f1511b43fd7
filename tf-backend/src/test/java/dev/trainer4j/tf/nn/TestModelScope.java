package dev.trainer4j.tf.nn;

import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Variable;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A test-only {@link TfModelScope}: ref variables ({@code VariableV2}) named by their full path with their
 * {@code Assign} in the init scope, read through identity, reused by name; the random seed is a [2] int64 base
 * seed (constant or placeholder) plus a hash of the scope path.
 */
public final class TestModelScope implements TfModelScope {
    private final Graph graph;
    private final Ops root;
    private final String path;
    private final boolean training;
    private final Operand<TInt64> baseSeed;
    private final Map<String, Entry> registry;

    private record Entry(Variable<TFloat32> variable, Shape shape, VariableRole role) {
    }

    private TestModelScope(Graph graph, String path, boolean training, Operand<TInt64> baseSeed,
            Map<String, Entry> registry) {
        this.graph = graph;
        this.root = Ops.create(graph);
        this.path = path;
        this.training = training;
        this.baseSeed = baseSeed;
        this.registry = registry;
    }

    /** A root scope whose random seed is the constant {@code [seed, 0]}. */
    public static TestModelScope create(Graph graph, boolean training, long seed) {
        Ops tf = Ops.create(graph);
        return new TestModelScope(graph, "", training, tf.constant(new long[] {seed, 0}), new LinkedHashMap<>());
    }

    /** A root scope with the given [2] int64 base seed (e.g. a placeholder). */
    public static TestModelScope create(Graph graph, boolean training, Operand<TInt64> baseSeed) {
        return new TestModelScope(graph, "", training, requireNonNull(baseSeed, "baseSeed is null"),
                new LinkedHashMap<>());
    }

    /** A scope over the same variables with another training flag (the evaluation pass). */
    public TestModelScope withTraining(boolean training) {
        return new TestModelScope(graph, path, training, baseSeed, registry);
    }

    @Override
    public Ops tf() {
        return path.isEmpty() ? root : root.withSubScope(path);
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public TfModelScope child(String name) {
        return new TestModelScope(graph, path.isEmpty() ? name : path + "/" + name, training, baseSeed, registry);
    }

    @Override
    public boolean training() {
        return training;
    }

    @Override
    public Operand<TFloat32> variable(String name, Shape shape, TfInitializer initializer, VariableRole role) {
        String fullName = path.isEmpty() ? name : path + "/" + name;
        Entry entry = registry.get(fullName);
        if (entry == null) {
            Ops init = root.withInitScope();
            long hash = fullName.hashCode();
            // initial values must not depend on feeds, so their seed is a constant
            Operand<TInt64> seed = init.constant(new long[] {17, hash});
            Operand<TFloat32> initialValue = initializer.initialValue(init, shape, seed);
            Variable<TFloat32> variable = init.withName(fullName).variable(shape, TFloat32.class);
            init.withName(fullName + "/Assign").assign(variable, initialValue);
            entry = new Entry(variable, shape, role);
            registry.put(fullName, entry);
        } else if (!entry.shape().equals(shape) || entry.role() != role) {
            throw new IllegalArgumentException("variable " + fullName + " exists with " + entry.shape() + " "
                    + entry.role() + ", requested " + shape + " " + role);
        }
        return root.identity(entry.variable());
    }

    @Override
    public Operand<TInt64> randomSeed() {
        return tf().math.add(baseSeed, tf().constant(new long[] {0, path.hashCode()}));
    }

    /** Every variable created so far, by full name, read through identity (for gradients). */
    public Map<String, Operand<TFloat32>> variables() {
        Map<String, Operand<TFloat32>> result = new LinkedHashMap<>();
        registry.forEach((name, entry) -> result.put(name, entry.variable()));
        return result;
    }

    /** The roles of every variable, by full name. */
    public Map<String, VariableRole> roles() {
        Map<String, VariableRole> result = new LinkedHashMap<>();
        registry.forEach((name, entry) -> result.put(name, entry.role()));
        return result;
    }

    public List<String> variableNames() {
        return List.copyOf(registry.keySet());
    }
}
