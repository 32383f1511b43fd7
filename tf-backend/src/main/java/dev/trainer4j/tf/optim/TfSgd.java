package dev.trainer4j.tf.optim;

import dev.trainer4j.tf.TfVariable;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

import java.util.ArrayList;
import java.util.List;

/**
 * Plain SGD as HF's {@code sgd} builds it: torch's {@code SGD} with momentum 0 and, for
 * {@link dev.trainer4j.tf.nn.VariableRole#WEIGHT} variables, the coupled L2 term {@code g += wd*w}.
 */
public final class TfSgd implements TfOptimizer {
    private final double weightDecay;

    public TfSgd(double weightDecay) {
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException("weight decay must be >= 0, got " + weightDecay);
        }
        this.weightDecay = weightDecay;
    }

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public void createSlots(TfSlotFactory slots, List<TfVariable> variables) {
        // stateless
    }

    @Override
    public List<Op> buildUpdates(Ops tf, Ops ungated, List<TfVariable> variables, List<Operand<TFloat32>> gradients,
                                 Operand<TFloat32> learningRate, Operand<TInt64> step) {
        Ops ops = tf.withSubScope(name());
        List<Op> updates = new ArrayList<>(variables.size());
        for (int i = 0; i < variables.size(); i++) {
            TfVariable variable = variables.get(i);
            Operand<TFloat32> gradient = gradients.get(i);
            if (weightDecay > 0 && variable.role().decays()) {
                gradient = ops.math.add(gradient, ops.math.mul(variable.read(), ops.constant((float) weightDecay)));
            }
            updates.add(ops.train.applyGradientDescent(variable.ref(), learningRate, gradient));
        }
        return updates;
    }
}
