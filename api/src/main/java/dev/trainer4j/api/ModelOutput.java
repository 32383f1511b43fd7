package dev.trainer4j.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static java.util.Collections.unmodifiableMap;
import static java.util.Objects.requireNonNull;

/**
 * What a model's forward pass returns: named, ordered outputs of some value type {@code T} (graph operands in the
 * TensorFlow backend, host tensors in tests).
 *
 * <p>The loss contract, exact by construction: when labels are given, the model (or an overridden
 * {@code computeLoss}) reports the <b>sum</b> of per-item losses and the <b>number of label items</b> it covers
 * (items labelled -100 are not items), never a mean. The loop divides by the item count of a whole accumulation
 * window (and, later, of all devices and workers), so unequal micro-batches weigh correctly.
 */
public final class ModelOutput<T> {
    private final Map<String, T> outputs;
    private final T lossSum;
    private final T itemCount;

    private ModelOutput(Map<String, T> outputs, T lossSum, T itemCount) {
        this.outputs = unmodifiableMap(new LinkedHashMap<>(outputs));
        this.lossSum = lossSum;
        this.itemCount = itemCount;
        if ((lossSum == null) != (itemCount == null)) {
            throw new IllegalArgumentException("a loss sum needs its item count and the other way round");
        }
    }

    /** Outputs without a loss (prediction). */
    public static <T> ModelOutput<T> of(Map<String, T> outputs) {
        return new ModelOutput<>(requireNonNull(outputs, "outputs is null"), null, null);
    }

    /** Outputs with a loss, given as the sum of per-item losses and the number of label items. */
    public static <T> ModelOutput<T> withLoss(T lossSum, T itemCount, Map<String, T> outputs) {
        return new ModelOutput<>(requireNonNull(outputs, "outputs is null"),
                requireNonNull(lossSum, "lossSum is null"), requireNonNull(itemCount, "itemCount is null"));
    }

    /** This output with its loss replaced (what {@code computeLoss} returns). */
    public ModelOutput<T> withLoss(T lossSum, T itemCount) {
        return withLoss(lossSum, itemCount, outputs);
    }

    public boolean hasLoss() {
        return lossSum != null;
    }

    /** The sum of per-item losses, when labels were given. */
    public Optional<T> lossSum() {
        return Optional.ofNullable(lossSum);
    }

    /** The number of label items the loss sum covers. */
    public Optional<T> itemCount() {
        return Optional.ofNullable(itemCount);
    }

    /** Named outputs other than the loss, in order (e.g. {@code logits}). */
    public Map<String, T> outputs() {
        return outputs;
    }

    public Set<String> names() {
        return outputs.keySet();
    }

    public T get(String name) {
        T value = outputs.get(name);
        if (value == null) {
            throw new IllegalArgumentException("model output has no '" + name + "'; present: " + outputs.keySet());
        }
        return value;
    }

    /** The first output (HF's {@code outputs[0]} after the loss), usually the logits. */
    public T first() {
        if (outputs.isEmpty()) {
            throw new IllegalStateException("model output has no outputs besides the loss");
        }
        return outputs.values().iterator().next();
    }
}
