package dev.trainer4j.tf.nn;

import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.TUint16;

import java.util.function.UnaryOperator;

/**
 * Where a model builds its forward pass: the ops (with the device/replica scope of the tower being built), a
 * hierarchical name ({@code encoder/layer_0/attention}), the variable registry, the training flag and randomness.
 * Layers take a scope and create their variables and ops through it; they never create variables any other way.
 */
public interface TfModelScope {

    /** Ops under this scope's name and device. */
    Ops tf();

    /** The hierarchical name of this scope, e.g. {@code encoder/layer_0}; empty at the root. */
    String path();

    /** A child scope: {@code path() + "/" + name}. */
    TfModelScope child(String name);

    /** True while building the training forward pass (dropout active), false for evaluation and prediction. */
    boolean training();

    /**
     * The variable {@code path()/name}, created on first request with the given initial value and reused by
     * every later request for the same name (so the training and evaluation passes share weights). Returns the
     * variable <b>read through identity</b>, safe to differentiate. The shape and role must match on reuse.
     * The full name is the checkpoint key.
     */
    Operand<TFloat32> variable(String name, Shape shape, TfInitializer initializer, VariableRole role);

    /**
     * A [2] int64 seed for stateless random ops, unique to this scope's path and to the current
     * (seed, global step, micro-step): dropout drawn from it is the same in a fresh process resumed at that step.
     */
    Operand<TInt64> randomSeed();

    /**
     * Uniform random 16-bit integers in the shape of {@code like}, drawn for this scope's path and the current
     * (seed, global step, micro-step) as {@link #randomSeed()} is: dropout's masks. By default they are two halves of
     * each word of {@code statelessRandomUniformFullInt(randomSeed())}; the engine's training passes take them from
     * random words made on the host for each step instead, because TensorFlow's Philox kernel ran at about 6 ns a
     * word and took a sixth of the main job's training step.
     */
    default Operand<TUint16> randomUint16(Operand<?> like) {
        Ops tf = tf();
        Operand<TInt64> count = tf.reshape(tf.size(like, TInt64.class), tf.constant(new long[] {1}));
        Operand<TInt64> words = tf.math.floorDiv(tf.math.add(count, tf.constant(1L)), tf.constant(2L));
        Operand<TInt32> bits = tf.random.statelessRandomUniformFullInt(words, randomSeed(), TInt32.class);
        // [words] int32 -> [words, 2] uint16 -> the first count of them, in the shape of like
        Operand<TUint16> halves = tf.reshape(tf.bitcast(bits, TUint16.class), tf.constant(new long[] {-1}));
        return tf.reshape(tf.slice(halves, tf.constant(new long[] {0}), count), tf.shape(like, TInt64.class));
    }

    /**
     * NEFTune's alpha ({@code neftune-noise-alpha}) while building the training pass, else 0: a model adds
     * {@link InputEmbeddingNoise} to its input (word) embeddings.
     */
    default double inputEmbeddingNoise() {
        return 0;
    }

    /**
     * Applies {@code block} (one transformer layer) to {@code input} and returns its output. With
     * {@code gradient-checkpointing} while training, the engine keeps only the layer's input for the backward pass
     * and recomputes the layer there: {@code block} is called again on a copy of the input that waits for the
     * layer's upstream gradient, so it must build its ops from its argument and what it captures (the same
     * variables and dropout masks follow from the scopes). Without it, this is {@code block.apply(input)}.
     */
    default Operand<TFloat32> checkpoint(Operand<TFloat32> input, UnaryOperator<Operand<TFloat32>> block) {
        return block.apply(input);
    }

    /**
     * Whether layers take the forms TensorFlow's oneDNN remapper replaces by single kernels: {@link LayerNorm} as
     * Keras's {@code FusedBatchNormV3} over [1, rows, dimension, 1] ({@code _MklLayerNorm}), and attention scores as
     * {@code AddV2(Mul(BatchMatMulV2(q, k^T), scale), mask)} ({@code _MklFusedBatchMatMulV2}). Only evaluation and
     * prediction passes in float32 with oneDNN on say yes: the fused kernels have no gradient, and the copy into half
     * precision ({@code bf16-full-eval}) cannot convert them. The values agree with the plain forms within float32
     * rounding.
     */
    default boolean fusedKernels() {
        return false;
    }

    /** The compute dtype of layers (float32 now; bf16/fp16 later). */
    default Class<TFloat32> computeType() {
        return TFloat32.class;
    }
}
