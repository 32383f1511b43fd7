package dev.trainer4j.samples.customloss;

import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.tf.TfTrainer;
import dev.trainer4j.tf.nn.CrossEntropyLoss;
import dev.trainer4j.tf.nn.LossSum;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.family.TNumber;

import java.util.Arrays;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A {@link TfTrainer} whose {@link #computeLoss} replaces the model's loss with a class-weighted cross-entropy, HF's
 * "subclass the Trainer and override compute_loss" recipe. Like torch's {@code CrossEntropyLoss(weight=w)} the mean
 * is {@code Σ w_y·ℓ / Σ w_y}: the hook returns the sum {@code Σ w_y·ℓ} and the normaliser {@code Σ w_y}, and the
 * loop divides (over a whole accumulation window). Labels -100 are ignored. {@code label-smoothing-factor} applies.
 *
 * <p>The hook runs once per pass while the graph is built (training and evaluation), so the evaluation loss is the
 * weighted one too.
 */
public class WeightedLossTrainer extends TfTrainer {
    private final String logitsName;
    private final String labelsName;
    private final float[] classWeights;
    private final CrossEntropyLoss loss;

    /**
     * @param spec the run
     * @param logitsName the model output holding the logits [..., C]
     * @param labelsName the input holding the integer labels [...]
     * @param classWeights one weight ≥ 0 per class
     */
    public WeightedLossTrainer(TrainerSpec spec, String logitsName, String labelsName, float[] classWeights) {
        super(spec);
        this.logitsName = requireNonNull(logitsName, "logitsName is null");
        this.labelsName = requireNonNull(labelsName, "labelsName is null");
        requireNonNull(classWeights, "classWeights is null");
        this.loss = new CrossEntropyLoss(spec.args().labelSmoothingFactor(), classWeights);
        this.classWeights = classWeights.clone();
    }

    /** The class weights, one per class. */
    public float[] classWeights() {
        return classWeights.clone();
    }

    @Override
    @SuppressWarnings("unchecked")
    public ModelOutput<Operand<?>> computeLoss(ModelOutput<Operand<?>> outputs, Map<String, Operand<?>> inputs, Ops tf) {
        Operand<?> logits = outputs.get(logitsName);
        if (logits.type() != TFloat32.class) {
            throw new IllegalArgumentException("output '" + logitsName + "' is " + logits.type().getSimpleName()
                    + "; the weighted cross-entropy expects float32 logits");
        }
        Operand<?> labels = inputs.get(labelsName);
        if (labels == null) {
            throw new IllegalArgumentException("the pass has no '" + labelsName + "' input to weigh; present: " + inputs.keySet());
        }
        if (!TNumber.class.isAssignableFrom(labels.type())) {
            throw new IllegalArgumentException("input '" + labelsName + "' is " + labels.type().getSimpleName()
                    + "; the weighted cross-entropy expects integer class labels");
        }
        LossSum weighted = loss.compute(tf, (Operand<TFloat32>) logits, (Operand<? extends TNumber>) labels);
        return outputs.withLoss(weighted.sum(), weighted.count());
    }

    @Override
    public String toString() {
        return "WeightedLossTrainer" + Arrays.toString(classWeights);
    }
}
