package dev.trainer4j.tf.io;

import dev.trainer4j.api.WeightMapping;
import dev.trainer4j.api.WeightMapping.Report;
import dev.trainer4j.api.WeightMapping.ShapeMismatch;
import dev.trainer4j.tf.TfVariable;
import dev.trainer4j.tf.pretrained.WeightSource;
import org.tensorflow.Graph;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.ndarray.buffer.DataBuffers;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TFloat32;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * Initialises a running engine's model variables from a {@link WeightSource} (a TF bundle, safetensors, ONNX
 * initializers) through a {@link WeightMapping}: reads the source keys, shapes and values, maps them onto the
 * model's variable names and
 * assigns the values through one placeholder-fed {@code Assign} per variable (built into the engine's graph on
 * first use, never again). Engine state keys of a trainer4j checkpoint ({@code trainer4j/...},
 * {@code optimizer/...}) are ignored rather than reported as unexpected.
 */
public final class TfWeightInitializer {
    private static final List<String> ENGINE_STATE_PREFIXES = List.of("trainer4j/", "optimizer/");

    private final Graph graph;
    private final List<TfVariable> variables;
    private Map<String, Assignment> assignments;

    private record Assignment(Placeholder<TFloat32> value, Op assign) {
    }

    /** @param variables the model variables that may be initialised, by their checkpoint names */
    public TfWeightInitializer(Graph graph, List<TfVariable> variables) {
        this.graph = requireNonNull(graph, "graph is null");
        this.variables = List.copyOf(requireNonNull(variables, "variables is null"));
    }

    /** The mapping plan of {@code source} onto the model variables, without assigning anything. */
    public Report plan(WeightSource source, WeightMapping mapping) {
        return planAndPairs(source, mapping).report();
    }

    private record Plan(Report report, Map<String, String> pairs) {
    }

    private Plan planAndPairs(WeightSource source, WeightMapping mapping) {
        requireNonNull(source, "source is null");
        requireNonNull(mapping, "mapping is null");
        Map<String, TfVariable> byName = new LinkedHashMap<>();
        variables.forEach(variable -> byName.put(variable.name(), variable));

        Map<String, String> sourceByModelName = new TreeMap<>();
        List<String> unexpected = new ArrayList<>();
        for (String key : source.keys()) {
            String modelName = mapping.modelName(key);
            if (!byName.containsKey(modelName)) {
                if (!mapping.skips(key) && !mapping.skips(modelName) && !isEngineState(key)) {
                    unexpected.add(key);
                }
                continue;
            }
            String previous = sourceByModelName.put(modelName, key);
            if (previous != null) {
                throw new IllegalArgumentException("the source keys '" + previous + "' and '" + key + "' of "
                        + source.location() + " both map to the model variable '" + modelName
                        + "'; adjust the prefix rewrites " + mapping.rewrites());
            }
        }

        List<String> loaded = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        List<ShapeMismatch> mismatched = new ArrayList<>();
        Map<String, String> pairs = new LinkedHashMap<>();
        for (TfVariable variable : byName.values()) {
            String name = variable.name();
            String key = sourceByModelName.get(name);
            if (mapping.skips(name) || (key != null && mapping.skips(key))) {
                skipped.add(name);
                continue;
            }
            if (key == null) {
                missing.add(name);
                continue;
            }
            long[] sourceShape = source.shape(key);
            String sourceType = source.dataType(key);
            long[] modelShape = variable.shape().asArray();
            if (!WeightSource.FLOAT32.equals(sourceType) || !Arrays.equals(sourceShape, modelShape)) {
                mismatched.add(new ShapeMismatch(name, key, WeightSource.FLOAT32 + Arrays.toString(modelShape),
                        sourceType + Arrays.toString(sourceShape)));
                continue;
            }
            loaded.add(name);
            pairs.put(name, key);
        }
        loaded.sort(null);
        missing.sort(null);
        skipped.sort(null);
        unexpected.sort(null);
        mismatched.sort((a, b) -> a.name().compareTo(b.name()));
        return new Plan(new Report(loaded, missing, unexpected, mismatched, skipped), pairs);
    }

    /**
     * Assigns the mapped source values to the model variables in {@code session}. In strict mode nothing is
     * assigned when a variable is missing or mismatched.
     */
    public Report initialize(Session session, WeightSource source, WeightMapping mapping) {
        requireNonNull(session, "session is null");
        requireNonNull(source, "source is null");
        requireNonNull(mapping, "mapping is null");
        Plan plan = planAndPairs(source, mapping);
        Report report = plan.report();
        if (mapping.strict() && (!report.missing().isEmpty() || !report.mismatched().isEmpty())) {
            throw new IllegalArgumentException("strict initialisation from " + source.location() + " failed: missing "
                    + report.missing() + ", mismatched " + report.mismatched() + " (source keys not used: "
                    + report.unexpected() + ")");
        }
        Map<String, Assignment> ops = assignments();
        Map<String, TfVariable> byName = new LinkedHashMap<>();
        variables.forEach(variable -> byName.put(variable.name(), variable));
        for (Map.Entry<String, String> pair : plan.pairs().entrySet()) {
            Assignment assignment = ops.get(pair.getKey());
            Shape shape = byName.get(pair.getKey()).shape();
            float[] values = source.readFloats(pair.getValue());
            try (TFloat32 tensor = TFloat32.tensorOf(shape, DataBuffers.of(values, true, false))) {
                session.runner().feed(assignment.value(), tensor).addTarget(assignment.assign()).run().close();
            }
            catch (TensorFlowException e) {
                throw new IllegalStateException("could not assign '" + pair.getValue() + "' of " + source.location()
                        + " to the variable '" + pair.getKey() + "': " + e.getMessage(), e);
            }
        }
        return report;
    }

    private synchronized Map<String, Assignment> assignments() {
        if (assignments == null) {
            Ops ops = Ops.create(graph).withSubScope("trainer4j_initialize_from");
            Map<String, Assignment> built = new LinkedHashMap<>();
            for (TfVariable variable : variables) {
                Placeholder<TFloat32> value = ops.placeholder(TFloat32.class, Placeholder.shape(variable.shape()));
                built.put(variable.name(), new Assignment(value, ops.assign(variable.ref(), value)));
            }
            assignments = built;
        }
        return assignments;
    }

    private static boolean isEngineState(String key) {
        return ENGINE_STATE_PREFIXES.stream().anyMatch(key::startsWith);
    }
}
