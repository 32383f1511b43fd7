package dev.trainer4j.tf.io;

import dev.trainer4j.api.InputSpec;
import dev.trainer4j.tf.TfModel;
import dev.trainer4j.tf.internal.TfInputFeeder;
import dev.trainer4j.tf.internal.TfStepCost;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.GraphOperation;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Measures what a model's training step costs from a scratch build of its prediction pass, as the serving export
 * builds it ({@link TfInferenceScope}: bare variables, no initializers, no session), in a graph of its own that is
 * closed before this returns. The inputs are placeholders of concrete shapes (the per-device batch, and every other
 * dimension the model leaves open from a training batch's shapes), so TensorFlow's shape inference gives every
 * product its sizes. The engine sizes its threads and towers from this before it builds the training towers, so no
 * pass of the engine's graph has to be built only to create the variables.
 */
public final class TfModelProbe {
    private static final Logger LOG = LoggerFactory.getLogger(TfModelProbe.class);

    private TfModelProbe() {
    }

    /**
     * The parameters and product FLOPs of {@code model}'s forward pass on {@code features} (the inputs that are not
     * labels), {@code batchRows} rows; a dimension the model leaves open (-1) is taken from {@code batchShapes}
     * (a training batch's shapes by input name) or, when none is given, as 1 (the cost per position). Variables a
     * model creates only when labels are given are not counted. When the model cannot be built on concrete shapes
     * the cost is {@link TfStepCost#ofParameters}.
     *
     * @throws RuntimeException whatever the model's build throws on its declared shapes
     */
    public static TfStepCost measure(TfModel model, List<InputSpec> features, int batchRows,
                                     Map<String, List<Long>> batchShapes) {
        requireNonNull(model, "model is null");
        requireNonNull(features, "features is null");
        requireNonNull(batchShapes, "batchShapes is null");
        Map<String, long[]> shapes = new LinkedHashMap<>();
        boolean guessed = false;
        for (InputSpec spec : features) {
            long[] shape = spec.shape().clone();
            shape[0] = batchRows;
            List<Long> given = batchShapes.get(spec.name());
            for (int dimension = 1; dimension < shape.length; dimension++) {
                if (shape[dimension] < 0) {
                    boolean known = given != null && given.size() == shape.length && given.get(dimension) > 0;
                    guessed |= !known;
                    shape[dimension] = known ? given.get(dimension) : 1;
                }
            }
            shapes.put(spec.name(), shape);
        }
        String basis = "batch " + batchRows + ", inputs " + describe(shapes) + (guessed
                ? " (no training batch gave the open dimensions: taken as 1, so this is the cost per position)"
                : batchShapes.isEmpty() ? "" : " (open dimensions from the first training batch)");
        try (Graph graph = new Graph()) {
            Map<String, TfInferenceScope.Variable> variables = build(graph, model, features, shapes);
            return new TfStepCost(parameters(variables), productFlops(graph), basis, guessed);
        }
        catch (RuntimeException concrete) {
            LOG.debug("model '{}' did not build on the concrete shapes {}: {}; its cost is estimated from its"
                    + " parameters", model.name(), describe(shapes), concrete.toString());
            try (Graph graph = new Graph()) {
                Map<String, long[]> declared = new LinkedHashMap<>();
                features.forEach(spec -> declared.put(spec.name(), spec.shape()));
                return TfStepCost.ofParameters(parameters(build(graph, model, features, declared)), batchRows);
            }
        }
    }

    private static Map<String, TfInferenceScope.Variable> build(Graph graph, TfModel model, List<InputSpec> features,
                                                               Map<String, long[]> shapes) {
        Ops root = Ops.create(graph);
        Map<String, Operand<?>> inputs = new LinkedHashMap<>();
        for (InputSpec spec : features) {
            inputs.put(spec.name(), root.placeholder(TfInputFeeder.tensorType(spec.dataType()),
                    Placeholder.shape(Shape.of(shapes.get(spec.name())))));
        }
        Map<String, TfInferenceScope.Variable> variables = new LinkedHashMap<>();
        model.build(new TfInferenceScope(graph, root, root.withSubScope("probe"), variables), Map.copyOf(inputs));
        return variables;
    }

    private static long parameters(Map<String, TfInferenceScope.Variable> variables) {
        return variables.values().stream().mapToLong(variable -> variable.shape().size()).sum();
    }

    /** The FLOPs (2 per multiply-add) of the graph's products whose sizes are known. */
    static double productFlops(Graph graph) {
        double total = 0;
        Iterator<GraphOperation> operations = graph.operations();
        while (operations.hasNext()) {
            total += productFlops(operations.next());
        }
        return total;
    }

    /** 2 x the multiply-adds of one product op; 0 for other ops and for products with sizes unknown. */
    static double productFlops(GraphOperation op) {
        switch (op.type()) {
            case "MatMul" -> {
                long[] a = dimensions(op.input(0).shape());
                long[] out = dimensions(op.output(0).shape());
                if (a == null || out == null || a.length != 2) {
                    return 0;
                }
                long inner = op.attributes().getAttrBool("transpose_a") ? a[0] : a[1];
                return 2.0 * product(out) * inner;
            }
            case "BatchMatMul", "BatchMatMulV2", "BatchMatMulV3" -> {
                long[] x = dimensions(op.input(0).shape());
                long[] out = dimensions(op.output(0).shape());
                if (x == null || out == null || x.length < 2) {
                    return 0;
                }
                long inner = op.attributes().getAttrBool("adj_x") ? x[x.length - 2] : x[x.length - 1];
                return 2.0 * product(out) * inner;
            }
            case "Einsum" -> {
                return einsumFlops(op);
            }
            case "Conv2D" -> {
                long[] kernel = dimensions(op.input(1).shape());
                long[] out = dimensions(op.output(0).shape());
                if (kernel == null || out == null || kernel.length != 4) {
                    return 0;
                }
                return 2.0 * product(out) * kernel[0] * kernel[1] * kernel[2];
            }
            default -> {
                return 0;
            }
        }
    }

    /** An einsum's FLOPs: 2 x the product of the sizes of every distinct label of its operands (no ellipsis). */
    private static double einsumFlops(GraphOperation op) {
        String equation = op.attributes().getAttrString("equation");
        int arrow = equation.indexOf("->");
        if (arrow < 0 || equation.contains(".")) {
            return 0;
        }
        String[] operands = equation.substring(0, arrow).split(",");
        if (operands.length != op.numInputs()) {
            return 0;
        }
        Map<Character, Long> sizes = new HashMap<>();
        for (int i = 0; i < operands.length; i++) {
            long[] shape = dimensions(op.input(i).shape());
            String labels = operands[i].trim();
            if (shape == null || shape.length != labels.length()) {
                return 0;
            }
            for (int d = 0; d < labels.length(); d++) {
                sizes.put(labels.charAt(d), shape[d]);
            }
        }
        double flops = 2;
        for (long size : sizes.values()) {
            flops *= size;
        }
        return flops;
    }

    /** The dimensions of a fully known shape, else null. */
    private static long[] dimensions(Shape shape) {
        if (shape.isUnknown() || shape.hasUnknownDimension()) {
            return null;
        }
        return shape.asArray();
    }

    private static double product(long[] dimensions) {
        double product = 1;
        for (long dimension : dimensions) {
            product *= dimension;
        }
        return product;
    }

    private static String describe(Map<String, long[]> shapes) {
        List<String> parts = new ArrayList<>();
        shapes.forEach((name, shape) -> parts.add(name + " " + java.util.Arrays.toString(shape)));
        return String.join(", ", parts);
    }
}
