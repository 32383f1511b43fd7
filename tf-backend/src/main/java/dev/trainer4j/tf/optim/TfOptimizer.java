package dev.trainer4j.tf.optim;

import dev.trainer4j.tf.TfVariable;
import org.tensorflow.Operand;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

import java.util.List;

/**
 * An optimizer as graph code. The engine calls {@link #createSlots} once, then {@link #buildUpdates} once per update
 * path (one step, or the end of an accumulation window); both paths share the slots.
 *
 * <p>Contract for deterministic, gated updates:
 * <ul>
 *   <li>Build every op that writes, or reads a variable or slot, with the given {@code tf}: it carries a control
 *       dependency on the engine's finite-step gate, so on a non-finite step none of these ops runs and nothing is
 *       written.</li>
 *   <li>Build stateless values of {@code learningRate} and {@code step} alone (bias corrections, decay factors) with
 *       {@code ungated}: they then run while the gradients are computed instead of after the gate opens, off the
 *       step's critical path.</li>
 *   <li>Write slots only with ops that also update the variable (fused kernels such as {@code ApplyAdam}), or order
 *       them with control dependencies; never read a variable after an op of this optimizer wrote it.</li>
 *   <li>The engine increments its step counter after every returned op ran; {@code step} is the 1-based number of
 *       the update being built (torch's {@code state['step']} after its increment).</li>
 * </ul>
 */
public interface TfOptimizer extends dev.trainer4j.api.Optimizer {

    /** A short name for logs, e.g. {@code adamw}. */
    String name();

    /** Creates the optimizer's state for {@code variables} through {@code slots}. */
    void createSlots(TfSlotFactory slots, List<TfVariable> variables);

    /**
     * Builds the update of every variable from its final gradient (averaged over the window's items and clipped).
     *
     * @param tf ops gated by the finite-step check, for everything that writes or reads state
     * @param ungated ops without the gate, for stateless values of {@code learningRate} and {@code step} only
     * @param gradients one per variable, in the same order
     * @param learningRate this step's learning rate (fed)
     * @param step the 1-based number of this update
     * @return the ops that perform the update
     */
    List<Op> buildUpdates(Ops tf, Ops ungated, List<TfVariable> variables, List<Operand<TFloat32>> gradients,
                          Operand<TFloat32> learningRate, Operand<TInt64> step);
}
