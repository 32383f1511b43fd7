package dev.trainer4j.tf.internal;

import java.util.Locale;

import static java.util.Objects.requireNonNull;

/**
 * What one training step of a model costs, read from its graph (see {@code TfModelProbe}): the parameters, and the
 * multiply-add FLOPs of its forward pass's products ({@code MatMul}, {@code BatchMatMul}, {@code Einsum},
 * {@code Conv2D}) at the shapes of a training batch. A training step is about three forward passes (the backward
 * pass runs two products per forward one), so {@link #trainingFlops()} is three times {@code forwardFlops}.
 *
 * @param parameterCount the model's float parameters
 * @param forwardFlops the forward pass's product FLOPs on one per-device training batch
 * @param basis what shapes the FLOPs were counted at, for the log line
 * @param perPosition whether open dimensions (sequence lengths) were unknown and taken as 1, so that the FLOPs are
 *        those of one position: a lower bound that says nothing about whether a step is too small to split
 */
public record TfStepCost(long parameterCount, double forwardFlops, String basis, boolean perPosition) {
    public TfStepCost {
        if (parameterCount < 0 || !(forwardFlops >= 0)) {
            throw new IllegalArgumentException("cost needs parameterCount >= 0 and forwardFlops >= 0, got "
                    + parameterCount + ", " + forwardFlops);
        }
        requireNonNull(basis, "basis is null");
    }

    /**
     * The cost known without a graph: each parameter taken as one multiply-add per row of the batch ({@code 2 x
     * parameters x rows} forward FLOPs). It counts embedding tables, which cost no FLOPs, and
     * not sequence positions, which do; the engine uses it only when the model cannot be built on concrete shapes.
     */
    public static TfStepCost ofParameters(long parameterCount, int batchRows) {
        double forward = 2.0 * parameterCount * batchRows;
        return new TfStepCost(parameterCount, forward, "an estimate from " + parameterCount + " parameters x batch "
                + batchRows, false);
    }

    /** About three forward passes' product FLOPs. */
    public double trainingFlops() {
        return 3 * forwardFlops;
    }

    /** One line for the engine's log: the FLOPs and the shapes they were counted at. */
    public String describe() {
        return String.format(Locale.ROOT, "%.3g FLOPs/step (3 x the forward products) counted on %s", trainingFlops(),
                basis);
    }
}
