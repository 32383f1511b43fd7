package dev.trainer4j.tf.io;

import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.tf.TfModel;
import dev.trainer4j.tf.internal.TfInputFeeder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.Session;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.core.Squeeze;
import org.tensorflow.types.family.TNumber;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Exports a trained {@link TfModel} as a TF1-style SavedModel for serving: a <b>new</b> graph holding only the
 * prediction pass ({@code training=false}, no labels, no loss, gradients or optimizer), whose variables carry the
 * training variables' names and get the trained values by a restore, written by {@code SavedModelBundle.exporter}
 * with the tag {@code serve} and one {@code serving_default} signature:
 * <ul>
 *   <li>inputs: the model's feature inputs by name;</li>
 *   <li>{@code logits}: the model output {@code logits} (or its first output);</li>
 *   <li>{@code predictions}: the arg-max of the logits over the last axis (int64) for a classifier; for a
 *       regression head (last dimension 1) the value itself with that axis squeezed.</li>
 * </ul>
 */
public final class TfModelExporter {
    public static final String SERVE_TAG = "serve";
    public static final String LOGITS = "logits";
    public static final String PREDICTIONS = "predictions";
    public static final String METHOD_NAME = "tensorflow/serving/predict";
    private static final Logger LOG = LoggerFactory.getLogger(TfModelExporter.class);

    private final TfModel model;
    private final List<InputSpec> features;

    /**
     * Cheap: builds nothing until {@link #export}.
     *
     * @param features the model's feature inputs (labels excluded), the signature's inputs
     */
    public TfModelExporter(TfModel model, List<InputSpec> features) {
        this.model = requireNonNull(model, "model is null");
        this.features = List.copyOf(requireNonNull(features, "features is null"));
    }

    /**
     * Writes the SavedModel into {@code directory} (created when missing; an existing {@code saved_model.pb} and
     * {@code variables/} are replaced).
     *
     * @param writeWeights writes the trained model variables as a {@link TfCheckpoint} bundle into the folder it is
     *        given (the engine's model checkpoint)
     */
    public void export(Path directory, Consumer<Path> writeWeights) {
        requireNonNull(directory, "directory is null");
        requireNonNull(writeWeights, "writeWeights is null");
        if (features.isEmpty()) {
            throw new IllegalArgumentException("cannot export model '" + model.name() + "': it has no feature inputs"
                    + " (every input is a label), so a serving signature would take no inputs");
        }
        if (Files.exists(directory) && !Files.isDirectory(directory)) {
            throw new IllegalArgumentException("cannot export model '" + model.name() + "' into " + directory
                    + ": it is a file, not a folder");
        }
        Path weights = null;
        try (Graph graph = new Graph()) {
            Signature signature = buildServingGraph(graph);
            try (Session session = new Session(graph)) {
                Files.createDirectories(directory);
                weights = Files.createTempDirectory("trainer4j-export-weights");
                writeWeights.accept(weights);
                session.restore(weights.resolve(TfCheckpoint.PREFIX).toAbsolutePath().toString());
                SavedModelBundle.exporter(directory.toAbsolutePath().toString())
                        .withTags(SERVE_TAG)
                        .withFunction(SessionFunction.create(signature, session))
                        .export();
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("could not export model '" + model.name() + "' into " + directory + ": "
                    + e.getMessage(), e);
        }
        catch (TensorFlowException e) {
            throw new IllegalStateException("could not export model '" + model.name() + "' into " + directory + ": "
                    + e.getMessage(), e);
        }
        finally {
            deleteQuietly(weights);
        }
        LOG.info("exported model '{}' for serving into {} (signature {}, inputs {})", model.name(), directory,
                Signature.DEFAULT_KEY, features.stream().map(InputSpec::name).toList());
    }

    /** Builds placeholders, the prediction pass and the output heads into {@code graph}; returns the signature. */
    Signature buildServingGraph(Graph graph) {
        Ops root = Ops.create(graph);
        Map<String, Operand<?>> inputs = new LinkedHashMap<>();
        Signature.Builder signature = Signature.builder().key(Signature.DEFAULT_KEY).methodName(METHOD_NAME);
        for (InputSpec spec : features) {
            if (inputs.containsKey(spec.name())) {
                throw new IllegalArgumentException("model '" + model.name() + "' declares input '" + spec.name() + "' twice");
            }
            Ops named = isValidOpName(spec.name()) ? root.withName(spec.name()) : root;
            Placeholder<?> placeholder = named.placeholder(TfInputFeeder.tensorType(spec.dataType()),
                    Placeholder.shape(Shape.of(spec.shape())));
            inputs.put(spec.name(), placeholder);
            signature.input(spec.name(), placeholder);
        }
        Ops serving = root.withSubScope("serving");
        ModelOutput<Operand<?>> output = requireNonNull(
                model.build(new TfInferenceScope(graph, root, serving, new LinkedHashMap<>()), Map.copyOf(inputs)),
                () -> "model '" + model.name() + "' returned no output");
        if (output.outputs().isEmpty()) {
            throw new IllegalArgumentException("model '" + model.name() + "' returned no outputs to export");
        }
        Operand<?> modelLogits = output.outputs().containsKey(LOGITS) ? output.get(LOGITS) : output.first();
        if (!TNumber.class.isAssignableFrom(modelLogits.type())) {
            throw new IllegalArgumentException("output '" + LOGITS + "' of model '" + model.name() + "' has type "
                    + modelLogits.type().getSimpleName() + "; export needs a numeric output");
        }
        @SuppressWarnings("unchecked")
        Operand<? extends TNumber> logits = (Operand<? extends TNumber>) root.withName(LOGITS).identity(modelLogits);
        signature.output(LOGITS, logits);
        signature.output(PREDICTIONS, predictions(root, logits));
        return signature.build();
    }

    private static Operand<?> predictions(Ops root, Operand<? extends TNumber> logits) {
        Ops named = root.withName(PREDICTIONS);
        Shape shape = logits.shape();
        if (shape.isUnknown() || shape.numDimensions() < 2) {
            return named.identity(logits);
        }
        int last = shape.numDimensions() - 1;
        if (shape.get(last) == 1) {
            return named.squeeze(logits, Squeeze.axis(List.of((long) last)));
        }
        return named.math.argMax(logits, root.withName("predictions_axis").constant(last));
    }

    private static boolean isValidOpName(String name) {
        return name.matches("[A-Za-z0-9.][A-Za-z0-9_.\\-]*");
    }

    private static void deleteQuietly(Path folder) {
        if (folder == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (IOException e) {
            LOG.warn("could not delete the temporary folder {}: {}", folder, e.getMessage());
        }
    }
}
