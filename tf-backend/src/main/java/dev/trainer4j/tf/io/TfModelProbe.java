package dev.trainer4j.tf.io;

import dev.trainer4j.api.InputSpec;
import dev.trainer4j.tf.TfModel;
import dev.trainer4j.tf.internal.TfInputFeeder;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Reads how many parameters a model has from a scratch build of its prediction pass, as the serving export builds
 * it ({@link TfInferenceScope}: bare variables, no initializers, no session), in a graph of its own that is closed
 * before this returns. The engine sizes its threads and towers from it before it builds the training towers, so
 * no pass of the engine's graph has to be built only to create the variables.
 */
public final class TfModelProbe {
    private TfModelProbe() {
    }

    /**
     * The number of float parameters {@code model} creates when built on {@code features} (the inputs that are not
     * labels); variables a model creates only when labels are given are not counted.
     *
     * @throws RuntimeException whatever the model's build throws on these inputs
     */
    public static long parameterCount(TfModel model, List<InputSpec> features) {
        requireNonNull(model, "model is null");
        requireNonNull(features, "features is null");
        try (Graph graph = new Graph()) {
            Ops root = Ops.create(graph);
            Map<String, Operand<?>> inputs = new LinkedHashMap<>();
            for (InputSpec spec : features) {
                inputs.put(spec.name(), root.placeholder(TfInputFeeder.tensorType(spec.dataType()),
                        Placeholder.shape(Shape.of(spec.shape()))));
            }
            Map<String, TfInferenceScope.Variable> variables = new LinkedHashMap<>();
            model.build(new TfInferenceScope(graph, root, root.withSubScope("probe"), variables), Map.copyOf(inputs));
            return variables.values().stream().mapToLong(variable -> variable.shape().size()).sum();
        }
    }
}
