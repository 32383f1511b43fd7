package dev.trainer4j.tf.io;

import dev.trainer4j.api.CheckpointException;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.Session;
import org.tensorflow.exceptions.TensorFlowException;
import org.tensorflow.ndarray.NdArrays;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.op.train.Restore;
import org.tensorflow.types.TString;
import org.tensorflow.types.family.TType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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

    private final String label;
    private final List<String> keys;
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
        for (Entry entry : entries) {
            names.add(entry.key());
            reads.add(entry.read());
            types.add(entry.type());
        }
        this.keys = List.copyOf(names);
        this.prefix = ops.placeholder(TString.class, Placeholder.shape(org.tensorflow.ndarray.Shape.scalar()));
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
        try (TString path = TString.scalarOf(directory.resolve(PREFIX).toAbsolutePath().toString())) {
            session.runner().feed(prefix, path).addTarget(restore).run().close();
        }
        catch (TensorFlowException e) {
            throw new CheckpointException(index, "cannot restore the " + label + " checkpoint from " + index
                    + " (keys " + keys.size() + "): " + e.getMessage(), e);
        }
    }
}
