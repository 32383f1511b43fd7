package dev.trainer4j.tf.io;

import dev.trainer4j.api.CheckpointException;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.train.Restore;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Save and restore of one set of variables as a TF V2 tensor bundle ({@code variables.index},
 * {@code variables.data-00000-of-00001}) keyed by stable names, with {@code SaveV2}/{@code RestoreV2} ops built once
 * (never {@code Session.save}, which saves every ref variable under its op name and leaks a string tensor per call).
 */
public final class TfCheckpoint {
    /** The bundle prefix inside a checkpoint directory. */
    public static final String PREFIX = "variables";
    /** The file that must exist for a restore. */
    public static final String INDEX_FILE = PREFIX + ".index";

    /** One saved variable: its key, its ref output (to assign) and its read (to save). */
    public record Entry(String key, Class<? extends TType> type, Output<? extends TType> ref, Operand<? extends TType> read) {
        public Entry {
            requireNonNull(key, "key is null");
            requireNonNull(type, "type is null");
            requireNonNull(ref, "ref is null");
            requireNonNull(read, "read is null");
        }
    }

    /** How many names each list of a mismatch message shows before "and N more". */
    private static final int LISTED_NAMES = 10;

    private final String label;
    private final List<String> keys;
    /** Each key's static shape, or null where the graph does not know it. */
    private final Map<String, long[]> shapes;
    private final Placeholder<TString> prefix;
    private final Op save;
    private final Op restore;

    /** Builds the save and restore ops for {@code entries} under {@code tf}'s name scope. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public TfCheckpoint(Ops tf, String label, List<Entry> entries) {
        this.label = requireNonNull(label, "label is null");
        if (entries.isEmpty()) {
            throw new IllegalArgumentException("checkpoint '" + label + "' has no variables");
        }
        Ops ops = tf.withSubScope(label);
        List<String> names = new ArrayList<>();
        List<Operand<?>> reads = new ArrayList<>();
        List<Class<? extends TType>> types = new ArrayList<>();
        Map<String, long[]> staticShapes = new LinkedHashMap<>();
        for (Entry entry : entries) {
            Shape shape = entry.read().shape();
            staticShapes.put(entry.key(), shape.isUnknown() || shape.hasUnknownDimension() ? null : shape.asArray());
            names.add(entry.key());
            reads.add(entry.read());
            types.add(entry.type());
        }
        this.keys = List.copyOf(names);
        this.shapes = Collections.unmodifiableMap(staticShapes);
        this.prefix = ops.placeholder(TString.class, Placeholder.shape(Shape.scalar()));
        Operand<TString> tensorNames = ops.constant(NdArrays.vectorOfObjects(names.toArray(String[]::new)));
        Operand<TString> slices = ops.constant(NdArrays.vectorOfObjects(names.stream().map(name -> "").toArray(String[]::new)));
        this.save = ops.train.save(prefix, tensorNames, slices, reads);
        Restore restored = ops.train.restore(prefix, tensorNames, slices, types);
        List<Op> assigns = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Output ref = entries.get(i).ref();
            assigns.add(ops.assign(ref, (Operand) restored.tensors().get(i)));
        }
        this.restore = ops.withControlDependencies(assigns).noOp();
    }

    public List<String> keys() {
        return keys;
    }

    /** Writes the bundle into {@code directory}. */
    public void save(Session session, Path directory) {
        requireNonNull(directory, "directory is null");
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("checkpoint directory " + directory + " does not exist");
        }
        try (TString path = TString.scalarOf(directory.resolve(PREFIX).toAbsolutePath().toString())) {
            session.runner().feed(prefix, path).addTarget(save).run().close();
        }
        catch (TensorFlowException e) {
            throw new CheckpointException(directory, "could not write the " + label + " checkpoint into " + directory + ": "
                    + e.getMessage(), e);
        }
    }

    /** Restores every variable of this set from the bundle in {@code directory}. */
    public void restore(Session session, Path directory) {
        requireNonNull(directory, "directory is null");
        Path index = directory.resolve(INDEX_FILE);
        if (!Files.isRegularFile(index)) {
            throw new CheckpointException(index, "cannot restore the " + label + " checkpoint: " + index + " does not exist");
        }
        checkVariables(index);
        try (TString path = TString.scalarOf(directory.resolve(PREFIX).toAbsolutePath().toString())) {
            session.runner().feed(prefix, path).addTarget(restore).run().close();
        }
        catch (TensorFlowException e) {
            throw new CheckpointException(index, "cannot restore the " + label + " checkpoint from " + index
                    + " (keys " + keys.size() + "): " + e.getMessage(), e);
        }
    }

    /**
     * Compares the bundle's names and shapes with this set's before anything is assigned: a checkpoint of another
     * model is a {@link CheckpointException} naming the variables whose shapes differ (both shapes), those missing
     * from the checkpoint and the checkpoint's names this set does not have, instead of TensorFlow's {@code Assign}
     * error about the first one.
     */
    private void checkVariables(Path index) {
        List<String> mismatched = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();
        try (TfCheckpointReader reader = TfCheckpointReader.open(index.getParent())) {
            for (String key : keys) {
                if (!reader.contains(key)) {
                    missing.add(key);
                    continue;
                }
                long[] expected = shapes.get(key);
                long[] found = reader.shape(key);
                if (expected != null && !Arrays.equals(expected, found)) {
                    mismatched.add(key + ": checkpoint " + Arrays.toString(found) + ", model " + Arrays.toString(expected));
                }
            }
            if (mismatched.isEmpty() && missing.isEmpty()) {
                return;
            }
            for (String key : reader.keys()) {
                if (!shapes.containsKey(key)) {
                    unexpected.add(key);
                }
            }
        }
        catch (IllegalArgumentException e) {
            throw new CheckpointException(index, "cannot restore the " + label + " checkpoint: " + e.getMessage(), e);
        }
        StringBuilder message = new StringBuilder("cannot restore the " + label + " checkpoint from " + index
                + ": it holds the variables of another model");
        append(message, "shapes differ", mismatched);
        append(message, "missing from the checkpoint", missing);
        append(message, "in the checkpoint but not in this model", unexpected);
        throw new CheckpointException(index, message.toString());
    }

    private static void append(StringBuilder message, String what, List<String> names) {
        if (names.isEmpty()) {
            return;
        }
        message.append("; ").append(what).append(" (").append(names.size()).append("): ")
                .append(String.join(", ", names.subList(0, Math.min(LISTED_NAMES, names.size()))));
        if (names.size() > LISTED_NAMES) {
            message.append(" and ").append(names.size() - LISTED_NAMES).append(" more");
        }
    }
}
