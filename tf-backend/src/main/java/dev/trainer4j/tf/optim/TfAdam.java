package dev.trainer4j.tf.optim;

import dev.trainer4j.tf.TfVariable;
import org.tensorflow.Operand;
import org.tensorflow.Output;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt64;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Adam and AdamW with torch semantics on the fused {@code ApplyAdam} kernel.
 *
 * <p>torch's update is {@code w -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)}; {@code ApplyAdam} computes
 * {@code w -= lr*sqrt(1-b2^t)/(1-b1^t) * m / (sqrt(v) + eps')}. Both are equal when {@code eps' = eps*sqrt(1-b2^t)},
 * which is what this optimizer feeds. Bias corrections come from the step counter in float64 (no drifting
 * beta-power variables) and are folded into the kernel's learning rate: the kernel gets
 * {@code lr*sqrt(1-b2^t)/(1-b1^t)} and beta powers 0, so the bias corrections carry only the final float32 rounding. One deviation remains: the kernel
 * forms {@code 1 - beta2} in float32 (for 0.999 that is 1.3e-5 relative off), so each update can differ from torch's
 * by about 2e-5 of its size.
 *
 * <p>Weight decay applies only to {@link dev.trainer4j.tf.nn.VariableRole#WEIGHT} variables (HF: not to biases and
 * norm parameters). Decoupled (AdamW): {@code w *= 1 - lr*wd} before the Adam step, as torch does. Coupled (Adam):
 * {@code g += wd*w} (torch's {@code Adam(weight_decay=wd)}).
 */
public final class TfAdam implements TfOptimizer {
    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final boolean decoupled;
    private final Map<String, Output<TFloat32>[]> slots = new HashMap<>();

    public TfAdam(double beta1, double beta2, double epsilon, double weightDecay, boolean decoupled) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("adam betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(epsilon > 0)) {
            throw new IllegalArgumentException("adam epsilon must be > 0, got " + epsilon);
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
    }

    /** torch's AdamW (HF {@code adamw_torch}). */
    public static TfAdam adamW(double beta1, double beta2, double epsilon, double weightDecay) {
        return new TfAdam(beta1, beta2, epsilon, weightDecay, true);
    }

    /** torch's Adam; weight decay, when not 0, is the coupled L2 term. */
    public static TfAdam adam(double beta1, double beta2, double epsilon, double weightDecay) {
        return new TfAdam(beta1, beta2, epsilon, weightDecay, false);
    }

    @Override
    public String name() {
        return decoupled ? "adamw" : "adam";
    }

    @Override
    @SuppressWarnings("unchecked")
    public void createSlots(TfSlotFactory factory, List<TfVariable> variables) {
        for (TfVariable variable : variables) {
            slots.put(variable.name(), new Output[] {factory.zerosSlot(variable, "m"), factory.zerosSlot(variable, "v")});
        }
    }

    @Override
    public List<Op> buildUpdates(Ops tf, Ops ungated, List<TfVariable> variables, List<Operand<TFloat32>> gradients,
                                 Operand<TFloat32> learningRate, Operand<TInt64> step) {
        Ops ops = tf.withSubScope(name());
        // the scalars depend only on the step and the learning rate: built ungated, they run beside the backward pass
        Ops scalars = ungated.withSubScope(name());
        Operand<TFloat64> t = scalars.dtypes.cast(step, TFloat64.class);
        Operand<TFloat64> one = scalars.constant(1.0);
        Operand<TFloat64> biasCorrection1 = scalars.math.sub(one, scalars.math.pow(scalars.constant(beta1), t));
        Operand<TFloat64> sqrtBiasCorrection2 = scalars.math.sqrt(
                scalars.math.sub(one, scalars.math.pow(scalars.constant(beta2), t)));
        // ApplyAdam would compute lr*sqrt(1-b2^t)/(1-b1^t) in float32, where 1 - b2^t cancels catastrophically
        // (1e-5 relative error for b2 = 0.999); do it in float64 and hand the kernel zero beta powers instead
        Operand<TFloat64> lr64 = scalars.dtypes.cast(learningRate, TFloat64.class);
        Operand<TFloat32> stepSize = scalars.dtypes.cast(
                scalars.math.div(scalars.math.mul(lr64, sqrtBiasCorrection2), biasCorrection1), TFloat32.class);
        Operand<TFloat32> epsilon32 = scalars.dtypes.cast(
                scalars.math.mul(scalars.constant(epsilon), sqrtBiasCorrection2), TFloat32.class);
        Operand<TFloat32> zeroPower = scalars.constant(0f);
        Operand<TFloat32> beta1Constant = scalars.constant((float) beta1);
        Operand<TFloat32> beta2Constant = scalars.constant((float) beta2);
        Operand<TFloat32> decayFactor = null;
        if (decoupled && weightDecay > 0) {
            decayFactor = scalars.dtypes.cast(scalars.math.sub(scalars.constant(1.0), scalars.math.mul(lr64,
                    scalars.constant(weightDecay))), TFloat32.class);
        }
        List<Op> updates = new ArrayList<>(variables.size());
        for (int i = 0; i < variables.size(); i++) {
            TfVariable variable = variables.get(i);
            Operand<TFloat32> gradient = requireNonNull(gradients.get(i), "gradient is null");
            Output<TFloat32>[] slot = requireNonNull(slots.get(variable.name()), () -> "no slots for " + variable.name());
            Ops apply = ops;
            boolean decays = weightDecay > 0 && variable.role().decays();
            if (decays && decoupled) {
                Op decay = ops.assign(variable.ref(), ops.math.mul(variable.read(), decayFactor));
                apply = ops.withControlDependencies(List.of(decay));
            }
            else if (decays) {
                gradient = ops.math.add(gradient, ops.math.mul(variable.read(), ops.constant((float) weightDecay)));
            }
            updates.add(apply.train.applyAdam(variable.ref(), slot[0], slot[1], zeroPower, zeroPower, stepSize,
                    beta1Constant, beta2Constant, epsilon32, gradient));
        }
        return updates;
    }
}
