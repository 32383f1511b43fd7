package dev.trainer4j.tf.models;

import dev.trainer4j.tf.nn.CrossEntropyLoss;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;

import java.util.List;

/**
 * How generative models line labels up with their outputs, as in HF:
 * <ul>
 *   <li>encoder-decoder ({@link #decoderInputs}): the decoder inputs are the labels shifted one to the right with
 *       the decoder start token in front, and -100 replaced by the pad id ({@code shift_tokens_right});</li>
 *   <li>decoder-only ({@link #nextTokenLogits}, {@link #nextTokenLabels}): position t predicts label t + 1, so the
 *       last position's logits and the first label drop out of the loss.</li>
 * </ul>
 */
public final class LabelShift {
    private LabelShift() {
    }

    /** [B, T] labels → [B, T] decoder inputs {@code [start, labels[:, :-1]]} with -100 → {@code padId}. */
    public static Operand<TInt32> decoderInputs(Ops tf, Operand<TInt32> labels, int startId, int padId) {
        Operand<TInt64> batch = tf.dtypes.cast(tf.gather(tf.shape(labels), tf.constant(0), tf.constant(0)),
                TInt64.class);
        Operand<TInt32> start = tf.fill(tf.stack(List.of(batch, tf.constant(1L))), tf.constant(startId));
        Operand<TInt32> shifted = tf.slice(labels, tf.constant(new long[] {0, 0}),
                tf.stack(List.of(tf.constant(-1L), tf.math.sub(tf.dtypes.cast(
                        tf.gather(tf.shape(labels), tf.constant(1), tf.constant(0)), TInt64.class), tf.constant(1L)))));
        Operand<TInt32> inputs = tf.concat(List.of(start, shifted), tf.constant(1));
        return tf.select(tf.math.equal(inputs, tf.constant(CrossEntropyLoss.IGNORE_INDEX)),
                tf.fill(tf.shape(inputs), tf.constant(padId)), inputs);
    }

    /** [B, T, V] → [B, T - 1, V]: every position but the last. */
    public static Operand<TFloat32> nextTokenLogits(Ops tf, Operand<TFloat32> logits) {
        Operand<TInt32> length = tf.gather(tf.shape(logits), tf.constant(1), tf.constant(0));
        return tf.slice(logits, tf.constant(new int[] {0, 0, 0}),
                tf.stack(List.of(tf.constant(-1), tf.math.sub(length, tf.constant(1)), tf.constant(-1))));
    }

    /** [B, T] → [B, T - 1]: every label but the first. */
    public static Operand<TInt32> nextTokenLabels(Ops tf, Operand<TInt32> labels) {
        return tf.slice(labels, tf.constant(new int[] {0, 1}), tf.constant(new int[] {-1, -1}));
    }
}
