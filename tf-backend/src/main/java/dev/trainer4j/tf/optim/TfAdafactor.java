package dev.trainer4j.tf.optim;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.tf.TfVariable;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Assign;
import org.tensorflow.op.math.Mean;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt64;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Hugging Face's {@code Adafactor} as HF's Trainer builds it for {@code optim = adafactor}: {@code relative_step} and
 * {@code scale_parameter} off (the learning rate is the schedule's), no first moment ({@code beta1 = None}). Per
 * update t and variable with gradient g:
 * <ul>
 *   <li>{@code beta2t = 1 - t^decay_rate}, {@code u = g^2 + eps1};</li>
 *   <li>rank 2 and more (factored): row and column means of u, each an exponential average with weight
 *       {@code beta2t}; {@code v ~ row/mean(row) x col}; otherwise the full average {@code v} of u;</li>
 *   <li>{@code update = g / sqrt(v)}, divided by {@code max(1, rms(update) / clip_threshold)}, times the learning rate;</li>
 *   <li>{@code w -= weight_decay * lr * w} (weights only), then {@code w -= update}.</li>
 * </ul>
 * Checked against HF's class (transformers 4.57.6) on torch in {@code TfAdafactorFixtureTest}.
 */
public final class TfAdafactor implements TfOptimizer {
    /** The {@code optim-args} keys this optimizer takes. */
    public static final List<String> OPTIM_ARGS = List.of("clip_threshold", "decay_rate", "eps1");

    private final double clipThreshold;
    private final double decayRate;
    private final double epsilon1;
    private final double weightDecay;
    private final Map<String, Output<TFloat32>[]> slots = new HashMap<>();

    public TfAdafactor(double clipThreshold, double decayRate, double epsilon1, double weightDecay) {
        if (!(clipThreshold > 0) || !(decayRate < 0) || !(epsilon1 > 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("adafactor needs clip_threshold > 0, decay_rate < 0, eps1 > 0 and weight"
                    + " decay >= 0, got " + clipThreshold + ", " + decayRate + ", " + epsilon1 + ", " + weightDecay);
        }
        this.clipThreshold = clipThreshold;
        this.decayRate = decayRate;
        this.epsilon1 = epsilon1;
        this.weightDecay = weightDecay;
    }

    /** HF's defaults, overridden by {@code optim-args} ({@link #OPTIM_ARGS}); a bad key or value names optim-args. */
    public static TfAdafactor fromOptimArgs(Map<String, String> optimArgs, double weightDecay) {
        String key = TrainingArguments.OPTIM_ARGS.key();
        double clip = 1.0;
        double decay = -0.8;
        double epsilon = 1e-30;
        for (Map.Entry<String, String> entry : optimArgs.entrySet()) {
            double value;
            try {
                value = Double.parseDouble(entry.getValue());
            }
            catch (NumberFormatException e) {
                throw new ConfigurationException(key, entry.getKey() + "=" + entry.getValue(), "a number for " + entry.getKey());
            }
            switch (entry.getKey()) {
                case "clip_threshold" -> clip = value;
                case "decay_rate" -> decay = value;
                case "eps1" -> epsilon = value;
                default -> throw new ConfigurationException(key, "optim-args: adafactor has no setting '" + entry.getKey()
                        + "'; it takes " + OPTIM_ARGS);
            }
        }
        if (!(clip > 0) || !(decay < 0) || !(epsilon > 0)) {
            throw new ConfigurationException(key, "optim-args " + optimArgs + ": adafactor needs clip_threshold > 0,"
                    + " decay_rate < 0 and eps1 > 0");
        }
        return new TfAdafactor(clip, decay, epsilon, weightDecay);
    }

    @Override
    public String name() {
        return "adafactor";
    }

    private static boolean factored(TfVariable variable) {
        return variable.shape().numDimensions() >= 2;
    }

    @Override
    @SuppressWarnings("unchecked")
    public void createSlots(TfSlotFactory factory, List<TfVariable> variables) {
        for (TfVariable variable : variables) {
            if (factored(variable)) {
                long[] dimensions = variable.shape().asArray();
                int rank = dimensions.length;
                long[] row = Arrays.copyOf(dimensions, rank - 1);
                long[] column = Arrays.copyOf(dimensions, rank - 1);
                column[rank - 2] = dimensions[rank - 1];
                slots.put(variable.name(), new Output[] {factory.zerosSlot(variable, "exp_avg_sq_row", Shape.of(row)),
                        factory.zerosSlot(variable, "exp_avg_sq_col", Shape.of(column))});
            }
            else {
                slots.put(variable.name(), new Output[] {factory.zerosSlot(variable, "exp_avg_sq")});
            }
        }
    }

    @Override
    public List<Op> buildUpdates(Ops tf, Ops ungated, List<TfVariable> variables, List<Operand<TFloat32>> gradients,
                                 Operand<TFloat32> learningRate, Operand<TInt64> step) {
        Ops ops = tf.withSubScope(name());
        Ops scalars = ungated.withSubScope(name());
        Operand<TFloat64> t = scalars.dtypes.cast(step, TFloat64.class);
        Operand<TFloat64> beta2t64 = scalars.math.sub(scalars.constant(1.0), scalars.math.pow(t, scalars.constant(decayRate)));
        Operand<TFloat32> beta2t = scalars.dtypes.cast(beta2t64, TFloat32.class);
        Operand<TFloat32> oneMinusBeta2t = scalars.dtypes.cast(scalars.math.sub(scalars.constant(1.0), beta2t64),
                TFloat32.class);
        Operand<TFloat32> decayFactor = weightDecay > 0
                ? scalars.math.mul(learningRate, scalars.constant((float) weightDecay)) : null;
        List<Op> updates = new ArrayList<>(variables.size());
        for (int i = 0; i < variables.size(); i++) {
            TfVariable variable = variables.get(i);
            Operand<TFloat32> gradient = requireNonNull(gradients.get(i), "gradient is null");
            Output<TFloat32>[] slot = requireNonNull(slots.get(variable.name()), () -> "no slots for " + variable.name());
            Operand<TFloat32> squared = ops.math.add(ops.math.square(gradient), ops.constant((float) epsilon1));
            Operand<TFloat32> update;
            List<Op> slotWrites = new ArrayList<>();
            if (factored(variable)) {
                int rank = variable.shape().numDimensions();
                Assign<TFloat32> row = ops.assign(slot[0], ops.math.add(ops.math.mul(slot[0], beta2t),
                        ops.math.mul(ops.math.mean(squared, ops.constant(rank - 1)), oneMinusBeta2t)));
                Assign<TFloat32> column = ops.assign(slot[1], ops.math.add(ops.math.mul(slot[1], beta2t),
                        ops.math.mul(ops.math.mean(squared, ops.constant(rank - 2)), oneMinusBeta2t)));
                slotWrites.add(row);
                slotWrites.add(column);
                Operand<TFloat32> rowMean = ops.math.mean(row, ops.constant(rank - 2), Mean.keepDims(true));
                Operand<TFloat32> rowFactor = ops.expandDims(ops.math.rsqrt(ops.math.div(row, rowMean)), ops.constant(-1));
                Operand<TFloat32> columnFactor = ops.math.rsqrt(ops.expandDims(column, ops.constant(-2)));
                update = ops.math.mul(ops.math.mul(rowFactor, columnFactor), gradient);
            }
            else {
                Assign<TFloat32> average = ops.assign(slot[0], ops.math.add(ops.math.mul(slot[0], beta2t),
                        ops.math.mul(squared, oneMinusBeta2t)));
                slotWrites.add(average);
                update = ops.math.mul(ops.math.rsqrt(average), gradient);
            }
            Operand<TFloat32> rms = ops.math.sqrt(ops.math.mean(ops.math.square(update),
                    ops.constant(allAxes(variable.shape().numDimensions()))));
            Operand<TFloat32> divisor = ops.math.maximum(ops.math.div(rms, ops.constant((float) clipThreshold)),
                    ops.constant(1f));
            update = ops.math.mul(ops.math.div(update, divisor), learningRate);
            Operand<TFloat32> weights = variable.read();
            Operand<TFloat32> next = weightDecay > 0 && variable.role().decays()
                    ? ops.math.sub(ops.math.sub(weights, ops.math.mul(weights, decayFactor)), update)
                    : ops.math.sub(weights, update);
            updates.add(ops.withControlDependencies(slotWrites).assign(variable.ref(), next));
        }
        return updates;
    }

    private static int[] allAxes(int rank) {
        int[] axes = new int[rank];
        for (int axis = 0; axis < rank; axis++) {
            axes[axis] = axis;
        }
        return axes;
    }
}
