package dev.trainer4j.tf.internal;

import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.Result;
import org.tensorflow.Session;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link TfNameScopedGraph}: scopes made through it name their ops exactly as TensorFlow's own
 * {@code withSubScope} does (the reference: the same calls on a second graph), their ops live in the graph and mix
 * with the graph's other ops in a session.
 */
class TfNameScopedGraphTest {
    /**
     * Builds, under root: an op named "a" first, then the scopes a (twice) and b, each with a nested scope c holding
     * two constants, and the same below a scope "engine", through {@code scope} (parent, name) -&gt; Ops; returns the
     * op names in the order made.
     */
    private static List<String> names(Graph graph, BiFunction<Ops, String, Ops> scope) {
        Ops root = Ops.create(graph);
        List<String> names = new ArrayList<>();
        names.add(name(root.withName("a").constant(0f)));
        for (String scopeName : List.of("a", "a", "b")) {
            Ops outer = scope.apply(root, scopeName);
            Ops inner = outer.withSubScope("c");
            names.add(name(outer.constant(1f)));
            names.add(name(inner.constant(2f)));
            names.add(name(inner.constant(3f)));
            names.add(name(outer.withSubScope("c").constant(4f)));
        }
        names.add(name(root.constant(5f)));
        // below a scope of the graph's own (the engine's "trainer4j"): an op named "step" first, then two scopes step
        Ops engine = root.withSubScope("engine");
        names.add(name(engine.withName("step").constant(6f)));
        for (int i = 0; i < 2; i++) {
            Ops step = scope.apply(engine, "step");
            names.add(name(step.constant(7f)));
            names.add(name(step.withSubScope("inner").constant(8f)));
        }
        names.add(name(engine.constant(9f)));
        return names;
    }

    private static String name(Operand<?> operand) {
        return ((GraphOperation) operand.op()).name();
    }

    @Test
    void scopesAreNamedAsTensorFlowNamesThem() {
        List<String> expected;
        try (Graph graph = new Graph()) {
            expected = names(graph, Ops::withSubScope);
        }
        try (Graph graph = new Graph()) {
            TfNameScopedGraph view = new TfNameScopedGraph(graph);
            assertThat(names(graph, view::subScope)).isEqualTo(expected);
        }
        // the reference itself, so that a change of TensorFlow's naming shows here first
        assertThat(expected).containsExactly("a", "a_1/Const", "a_1/c/Const", "a_1/c/Const_1", "a_1/c_1/Const",
                "a_2/Const", "a_2/c/Const", "a_2/c/Const_1", "a_2/c_1/Const", "b/Const", "b/c/Const", "b/c/Const_1",
                "b/c_1/Const", "Const", "engine/step", "engine/step_1/Const", "engine/step_1/inner/Const",
                "engine/step_2/Const", "engine/step_2/inner/Const", "engine/Const");
    }

    @Test
    void opsAreBuiltInTheGraphAndRunWithItsOtherOps() {
        try (Graph graph = new Graph()) {
            Ops root = Ops.create(graph);
            TfNameScopedGraph view = new TfNameScopedGraph(graph);
            Ops scoped = view.subScope(root, "pass");
            Operand<TFloat32> outside = root.constant(2f);
            Operand<TFloat32> sum = scoped.withSubScope("layer").math.add(outside, scoped.constant(3f));
            assertThat(sum.op().env()).isSameAs(graph);
            assertThat(view.graph()).isSameAs(graph);
            assertThat(graph.operation("pass/layer/Add")).isNotNull();
            try (Session session = new Session(graph);
                 Result result = session.runner().fetch(root.math.mul(sum, root.constant(10f))).run()) {
                assertThat(((TFloat32) result.get(0)).getFloat()).isEqualTo(50f);
            }
        }
    }

    @Test
    void refusesAParentOfAnotherGraph() {
        try (Graph graph = new Graph(); Graph other = new Graph()) {
            TfNameScopedGraph view = new TfNameScopedGraph(graph);
            assertThatThrownBy(() -> view.subScope(Ops.create(other), "pass"))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("not a scope of this graph");
        }
    }
}
