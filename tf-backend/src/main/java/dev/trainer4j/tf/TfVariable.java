package dev.trainer4j.tf;

import dev.trainer4j.tf.nn.VariableRole;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;

import static java.util.Objects.requireNonNull;

/**
 * A model variable of the engine's registry: a {@code VariableV2} with its stable hierarchical name (the checkpoint
 * key), its role and the identity read that every consumer (forward pass, gradients, optimizers) uses.
 *
 * @param name the full hierarchical name, e.g. {@code encoder/layer_0/attention/query/kernel}
 * @param shape the static shape
 * @param role decides weight decay
 * @param ref the ref-typed variable output; only assignment and apply ops take it
 * @param read the variable read through {@code Identity}; never differentiate through {@link #ref}
 */
public record TfVariable(String name, Shape shape, VariableRole role, Output<TFloat32> ref, Operand<TFloat32> read) {
    public TfVariable {
        requireNonNull(name, "name is null");
        requireNonNull(shape, "shape is null");
        requireNonNull(role, "role is null");
        requireNonNull(ref, "ref is null");
        requireNonNull(read, "read is null");
    }

    /** Number of scalar parameters. */
    public long size() {
        return shape.size();
    }
}
