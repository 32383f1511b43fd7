package dev.trainer4j.tf.nn;

import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.AssertThat;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.family.TNumber;

import java.util.Arrays;

/**
 * Softmax cross-entropy with integer labels, as {@link LossSum} (sum, count). Labels equal to {@value #IGNORE_INDEX}
 * are not items: they add nothing to the sum or the count. Works for logits [B, C] with labels [B] and token-level
 * logits [B, T, C] with labels [B, T].
 *
 * <p>Built from one-hot targets (ignored labels clamped to class 0, then masked) and
 * {@code SoftmaxCrossEntropyWithLogits}, which has a gradient in TensorFlow Java 1.1.0 (the sparse op does not).
 *
 * <ul>
 *   <li>Label smoothing ε (HF's {@code label_smoothing_factor}): per item {@code (1-ε)·NLL + ε·mean_c(-log p_c)},
 *       i.e. cross-entropy against {@code (1-ε)·onehot + ε/C}.</li>
 *   <li>Class weights w (torch's {@code CrossEntropyLoss(weight=w)}): sum {@code Σ w_y·ℓ}, count {@code Σ w_y}, so
 *       sum / count is torch's weighted mean. With smoothing as well, the whole smoothed item loss is weighted by
 *       w_y (torch weights each class term of the smoothing part separately).</li>
 * </ul>
 */
public final class CrossEntropyLoss {
    /** The label of items that are not items (padding, unlabelled tokens), as in HF and torch. */
    public static final int IGNORE_INDEX = -100;

    private final float labelSmoothing;
    private final float[] classWeights;

    /** Plain cross-entropy. */
    public CrossEntropyLoss() {
        this(0, null);
    }

    /**
     * @param labelSmoothing ε in [0, 1)
     * @param classWeights one non-negative weight per class, or null for none
     */
    public CrossEntropyLoss(double labelSmoothing, float[] classWeights) {
        if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
            throw new IllegalArgumentException("label smoothing " + labelSmoothing
                    + " is not allowed; expected a number in [0, 1)");
        }
        if (classWeights != null) {
            if (classWeights.length == 0) {
                throw new IllegalArgumentException("class weights are empty; expected one weight per class");
            }
            for (float weight : classWeights) {
                if (!(weight >= 0) || Float.isInfinite(weight)) {
                    throw new IllegalArgumentException("class weights " + Arrays.toString(classWeights)
                            + " are not allowed; expected finite numbers >= 0");
                }
            }
        }
        this.labelSmoothing = (float) labelSmoothing;
        this.classWeights = classWeights == null ? null : classWeights.clone();
    }

    /**
     * The loss of {@code logits} [..., C] against {@code labels} [...] (any integer type).
     *
     * @throws IllegalArgumentException when the number of classes is known and differs from the class weights
     */
    public LossSum compute(Ops tf, Operand<TFloat32> logits, Operand<? extends TNumber> labels) {
        int rank = logits.shape().numDimensions();
        long staticClasses = rank > 0 ? logits.shape().get(rank - 1) : -1;
        if (classWeights != null && staticClasses > 0 && staticClasses != classWeights.length) {
            throw new IllegalArgumentException("class weights have " + classWeights.length
                    + " entries but the logits have " + staticClasses + " classes");
        }
        Operand<TInt32> numClasses = tf.dtypes.cast(TensorShapes.dimension(tf, logits, -1), TInt32.class);
        Operand<TFloat32> flatLogits = tf.reshape(logits,
                tf.stack(java.util.List.of(tf.constant(-1), numClasses)));
        Operand<TInt32> flatLabels = tf.reshape(tf.dtypes.cast(labels, TInt32.class), tf.constant(new int[] {-1}));

        Operand<TInt32> present = tf.dtypes.cast(tf.math.notEqual(flatLabels, tf.constant(IGNORE_INDEX)), TInt32.class);
        Operand<TFloat32> mask = tf.dtypes.cast(present, TFloat32.class);
        Operand<TInt32> safeLabels = tf.math.mul(flatLabels, present);

        Operand<TFloat32> targets = tf.oneHot(safeLabels, numClasses, tf.constant(1f), tf.constant(0f));
        if (labelSmoothing > 0) {
            Operand<TFloat32> uniform = tf.math.div(tf.constant(labelSmoothing),
                    tf.dtypes.cast(numClasses, TFloat32.class));
            targets = tf.math.add(tf.math.mul(targets, tf.constant(1f - labelSmoothing)), uniform);
        }
        Operand<TFloat32> itemLosses = tf.nn.softmaxCrossEntropyWithLogits(flatLogits, targets).loss();

        Operand<TFloat32> itemWeights = mask;
        if (classWeights != null) {
            itemWeights = tf.math.mul(mask, tf.gather(tf.constant(classWeights), safeLabels, tf.constant(0)));
        }
        Operand<TInt32> allAxes = tf.constant(0);
        Ops checked = tf.withControlDependencies(java.util.List.of(labelsInRange(tf, flatLabels, numClasses)));
        Operand<TFloat32> sum = checked.identity(tf.sum(tf.math.mul(itemLosses, itemWeights), allAxes));
        Operand<TFloat32> count = checked.identity(tf.sum(itemWeights, allAxes));
        return new LossSum(sum, count);
    }

    /**
     * An assertion that fails the step when a label is neither {@value #IGNORE_INDEX} nor in [0, C): the one-hot of
     * such a label is all zeros, which would make its loss silently 0. The error names the range and the
     * smallest and largest label of the batch.
     */
    private static AssertThat labelsInRange(Ops tf, Operand<TInt32> flatLabels, Operand<TInt32> numClasses) {
        Operand<TBool> inRange = tf.math.logicalAnd(tf.math.greaterEqual(flatLabels, tf.constant(0)),
                tf.math.less(flatLabels, numClasses));
        Operand<TBool> valid = tf.math.logicalOr(inRange, tf.math.equal(flatLabels, tf.constant(IGNORE_INDEX)));
        Operand<TBool> allValid = tf.reduceAll(valid, tf.constant(0));
        return tf.assertThat(allValid, java.util.List.of(
                tf.constant("CrossEntropyLoss: a label is out of range: expected a class index in [0, C) or "
                        + IGNORE_INDEX + " (ignored); C, the smallest and the largest label of the batch are"),
                numClasses, tf.min(flatLabels, tf.constant(0)), tf.max(flatLabels, tf.constant(0))));
    }
}
