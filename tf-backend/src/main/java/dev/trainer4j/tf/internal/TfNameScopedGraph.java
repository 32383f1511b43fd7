package dev.trainer4j.tf.internal;

import org.tensorflow.ConcreteFunction;
import org.tensorflow.ExecutionEnvironment;
import org.tensorflow.Graph;
import org.tensorflow.Operation;
import org.tensorflow.OperationBuilder;
import org.tensorflow.op.OpScope;
import org.tensorflow.op.Ops;
import org.tensorflow.op.Scope;

import java.util.HashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A {@link Graph} seen through an environment that is not a {@code Graph} instance, so that {@code Ops.withSubScope}
 * on ops made from it does not scan the graph: TensorFlow Java's name scope reads the name of every op of a
 * {@code Graph} for each new sub-scope (to avoid names taken by another scope object), which made a Java object per op
 * and per scope, about 165 MB of garbage while the main job's transformer graph was built (one scan per layer scope
 * and pass over a graph growing to 3,800 ops), and the heap grew to hold it.
 *
 * <p>Ops are built in the graph itself (every operation's environment is the graph), so sessions, gradients and input
 * checks see no difference. The caller makes sure the names stay unique: a scope made from here starts with no names
 * taken, so it must only be used under a name that its real parent reserved ({@link #subScope}) and that no other
 * scope object writes under.
 */
public final class TfNameScopedGraph implements ExecutionEnvironment {
    private static final String PROBE = "trainer4j_scope_prefix";
    private final Graph graph;
    /** The top-level scope of this view: its own names, not the graph's base scope (which scans and is shared). */
    private final Scope base;
    private final Ops root;
    /** The scopes made in this view, by name prefix. */
    private final Map<String, Ops> scopes = new HashMap<>();

    public TfNameScopedGraph(Graph graph) {
        this.graph = requireNonNull(graph, "graph is null");
        this.base = new OpScope(this);
        this.root = Ops.create(this);
    }

    /**
     * The ops of the sub-scope {@code name} of {@code parent} (ops of this graph without a device, control
     * dependencies or a fixed op name), named exactly as {@code parent.withSubScope(name)} would name it (the name is
     * reserved in {@code parent}), but without the scan, for it and for every scope made below it. Use it only where
     * no other scope object writes under the new scope's name.
     */
    public Ops subScope(Ops parent, String name) {
        requireNonNull(parent, "parent is null");
        requireNonNull(name, "name is null");
        if (parent.scope().env() != graph) {
            throw new IllegalArgumentException("parent is not a scope of this graph");
        }
        String prefix = prefixOf(parent);
        String unique = parent.scope().makeUnique(name);
        Ops made = scopeAt(prefix).withSubScope(unique);
        scopes.put(prefix.isEmpty() ? unique : prefix + "/" + unique, made);
        return made;
    }

    /** The name prefix of {@code parent}'s ops ("" at the top): read from a reserved, never used op name. */
    private static String prefixOf(Ops parent) {
        String probe = parent.scope().makeOpName(PROBE);
        int slash = probe.lastIndexOf('/');
        return slash < 0 ? "" : probe.substring(0, slash);
    }

    /** This view's scope with {@code prefix}, made once per prefix (so each segment is reserved once). */
    private Ops scopeAt(String prefix) {
        if (prefix.isEmpty()) {
            return root;
        }
        Ops known = scopes.get(prefix);
        if (known != null) {
            return known;
        }
        int slash = prefix.lastIndexOf('/');
        Ops made = scopeAt(slash < 0 ? "" : prefix.substring(0, slash)).withSubScope(prefix.substring(slash + 1));
        scopes.put(prefix, made);
        return made;
    }

    /** The graph the ops are built in. */
    public Graph graph() {
        return graph;
    }

    @Override
    public OperationBuilder opBuilder(String type, String name, Scope scope) {
        return graph.opBuilder(type, name, scope);
    }

    @Override
    public void attachFunction(ConcreteFunction function) {
        graph.attachFunction(function);
    }

    @Override
    public boolean isOpEnabled(String opType) {
        return graph.isOpEnabled(opType);
    }

    @Override
    public void checkInput(Operation input) {
        graph.checkInput(input);
    }

    @Override
    public Types environmentType() {
        return graph.environmentType();
    }

    @Override
    public Scope baseScope() {
        return base;
    }

    @Override
    public boolean isInitializer(Operation operation) {
        return graph.isInitializer(operation);
    }
}
