package dev.trainer4j.tf.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TType;

import static java.util.Objects.requireNonNull;

/**
 * Learned absolute positions: a table {@code embeddings} [max-positions, dimension] whose first T rows are added to
 * a [B, T, dimension] sequence. A sequence longer than max-positions fails at run time.
 */
public final class PositionalEmbedding {
    private final TfModelScope scope;
    private final Embedding table;

    public PositionalEmbedding(TfModelScope scope, long maxPositions, long dimension) {
        this.scope = requireNonNull(scope, "scope is null");
        this.table = new Embedding(scope, maxPositions, dimension);
    }

    public long maxPositions() {
        return table.size();
    }

    /** The position vectors [T, dimension] for a sequence whose length is dimension 1 of {@code sequence}. */
    public Operand<TFloat32> positions(Operand<? extends TType> sequence) {
        Ops tf = scope.tf();
        Operand<TInt64> length = TensorShapes.dimension(tf, sequence, 1);
        return table.apply(tf.range(tf.constant(0L), length, tf.constant(1L)));
    }

    /** {@code embedded} [B, T, dimension] plus the first T position vectors. */
    public Operand<TFloat32> apply(Operand<TFloat32> embedded) {
        return scope.tf().math.add(embedded, positions(embedded));
    }
}
