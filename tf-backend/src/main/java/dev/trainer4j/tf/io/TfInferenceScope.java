package dev.trainer4j.tf.io;

import dev.trainer4j.tf.nn.TfInitializer;
import dev.trainer4j.tf.nn.TfModelScope;
import dev.trainer4j.tf.nn.VariableRole;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.DataType;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The {@link TfModelScope} of an inference-only graph (export): {@code training()} is false, and each variable is
 * a bare {@code VariableV2} named by its full hierarchical name (the checkpoint key), read through
 * {@code <name>/read}, with <b>no initializer</b>: its value comes from a restore of the trained weights. Randomness
 * is a constant seed (layers draw nothing outside training).
 */
final class TfInferenceScope implements TfModelScope {
    private final Graph graph;
    private final Ops root;
    private final Ops tf;
    private final String path;
    private final Map<String, Variable> variables;

    /** A variable of the inference graph. */
    record Variable(String name, Shape shape, Operand<TFloat32> read) {
    }

    TfInferenceScope(Graph graph, Ops root, Ops tf, Map<String, Variable> variables) {
        this(graph, root, tf, "", variables);
    }

    private TfInferenceScope(Graph graph, Ops root, Ops tf, String path, Map<String, Variable> variables) {
        this.graph = requireNonNull(graph, "graph is null");
        this.root = requireNonNull(root, "root is null");
        this.tf = requireNonNull(tf, "tf is null");
        this.path = requireNonNull(path, "path is null");
        this.variables = requireNonNull(variables, "variables is null");
    }

    @Override
    public Ops tf() {
        return tf;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public TfModelScope child(String name) {
        requireNonNull(name, "name is null");
        if (name.isEmpty() || name.contains("/")) {
            throw new IllegalArgumentException("scope name '" + name + "' must be one non-empty path segment");
        }
        return new TfInferenceScope(graph, root, tf.withSubScope(name), qualify(name), variables);
    }

    @Override
    public boolean training() {
        return false;
    }

    @Override
    public Operand<TFloat32> variable(String name, Shape shape, TfInitializer initializer, VariableRole role) {
        requireNonNull(shape, "shape is null");
        String fullName = qualify(requireNonNull(name, "name is null"));
        Variable existing = variables.get(fullName);
        if (existing != null) {
            if (!existing.shape().equals(shape)) {
                throw new IllegalArgumentException("variable '" + fullName + "' was created with shape " + existing.shape()
                        + " but is requested again with shape " + shape);
            }
            return existing.read();
        }
        if (graph.operation(fullName) != null) {
            throw new IllegalArgumentException("variable name '" + fullName + "' clashes with an existing graph op");
        }
        GraphOperation variable = graph.opBuilder("VariableV2", fullName, root.scope())
                .setAttr("shape", shape)
                .setAttr("dtype", DataType.DT_FLOAT)
                .build();
        GraphOperation read = graph.opBuilder("Identity", fullName + "/read", root.scope())
                .addInput(variable.output(0))
                .build();
        Variable created = new Variable(fullName, shape, read.output(0));
        variables.put(fullName, created);
        return created.read();
    }

    @Override
    public Operand<TInt64> randomSeed() {
        return tf.withSubScope("random_seed").constant(new long[] {0L, 0L});
    }

    private String qualify(String name) {
        return path.isEmpty() ? name : path + "/" + name;
    }
}
