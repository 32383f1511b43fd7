package dev.trainer4j.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The gradients of one optimizer step, copied to the host: what the optimizer is given before clipping, that is the
 * gradient of the loss sum accumulated over every micro-batch of the window and summed over every replica, divided
 * by the window's item count. Its global norm is the {@code grad_norm} logged for the same step; clipping by
 * {@code max-grad-norm} comes after it. Only trainable variables have one (a frozen variable has no gradient).
 *
 * @param globalStep the optimizer step the gradients belong to, as {@link TrainerState#globalStep()} counts it after
 *                   that step (1 for the first step)
 * @param gradients  the gradient of each trainable variable by variable name, flattened row-major, in the model's
 *                   variable order; the arrays are not copied, do not change them
 */
public record GradientSnapshot(long globalStep, Map<String, float[]> gradients) {
    public GradientSnapshot {
        if (globalStep < 1) {
            throw new IllegalArgumentException("globalStep is " + globalStep + "; expected an integer >= 1");
        }
        requireNonNull(gradients, "gradients is null");
        gradients.forEach((name, values) -> {
            requireNonNull(name, "a variable name is null");
            requireNonNull(values, () -> "the gradient of '" + name + "' is null");
        });
        gradients = Collections.unmodifiableMap(new LinkedHashMap<>(gradients));
    }
}
