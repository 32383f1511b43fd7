package dev.trainer4j.tf.nn;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

import static java.util.Objects.requireNonNull;

/**
 * A lookup table {@code embeddings} [size, dimension] ({@link VariableRole#WEIGHT}); ids [...] give vectors
 * [..., dimension] through {@code GatherV2}, which has a gradient in TensorFlow Java 1.1.0. Ids outside
 * [0, size) fail at run time.
 */
public final class Embedding {
    private final TfModelScope scope;
    private final long size;
    private final long dimension;
    private final Operand<TFloat32> table;

    /** A table initialised from N(0, 0.02) truncated at two standard deviations (BERT's initializer). */
    public Embedding(TfModelScope scope, long size, long dimension) {
        this(scope, size, dimension, TfInitializers.truncatedNormal(0.02));
    }

    public Embedding(TfModelScope scope, long size, long dimension, TfInitializer initializer) {
        this.scope = requireNonNull(scope, "scope is null");
        if (size <= 0 || dimension <= 0) {
            throw new IllegalArgumentException("embedding " + scope.path() + " needs positive sizes, got size "
                    + size + " and dimension " + dimension);
        }
        this.size = size;
        this.dimension = dimension;
        this.table = scope.variable("embeddings", Shape.of(size, dimension),
                requireNonNull(initializer, "initializer is null"), VariableRole.WEIGHT);
    }

    public long size() {
        return size;
    }

    public long dimension() {
        return dimension;
    }

    /** The table, read through identity (e.g. for tying an output projection). */
    public Operand<TFloat32> table() {
        return table;
    }

    /** The vectors of {@code ids} [...], giving [..., dimension]. */
    public Operand<TFloat32> apply(Operand<? extends TNumber> ids) {
        return scope.tf().gather(table, ids, scope.tf().constant(0));
    }
}
