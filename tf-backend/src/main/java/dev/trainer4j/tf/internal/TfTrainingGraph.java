package dev.trainer4j.tf.internal;

import dev.trainer4j.tf.TfVariable;
import dev.trainer4j.tf.internal.TfCompiledGraph.TfUpdateStep;
import org.tensorflow.op.Op;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * The training part of a compiled graph, built by {@link TfUpdatePath}: the variables the optimizer updates, the
 * fused step (forward, backward and update in one run) and, with gradient accumulation, the accumulation ops.
 *
 * @param trainable the variables the loss depends on
 * @param optimizerName the optimizer's name, for logs
 * @param step the fused step of one micro-batch
 * @param accumulation the accumulation window's ops, or {@link NotAccumulating}
 */
public record TfTrainingGraph(List<TfVariable> trainable, String optimizerName, TfUpdateStep step,
                              Accumulation accumulation) implements TfCompiledGraph.Training {
    public TfTrainingGraph {
        trainable = List.copyOf(trainable);
        requireNonNull(optimizerName, "optimizerName is null");
        requireNonNull(step, "step is null");
        requireNonNull(accumulation, "accumulation is null");
    }

    /** Whether the graph has gradient accumulation ops. */
    public sealed interface Accumulation permits Accumulating, NotAccumulating {
    }

    /**
     * Accumulation: {@code accumulate} adds a micro-batch's gradient, loss and item sums to buffers; {@code step}
     * adds the last micro-batch, updates from the window's totals and zeroes the buffers.
     */
    public record Accumulating(Op accumulate, TfUpdateStep step) implements Accumulation {
        public Accumulating {
            requireNonNull(accumulate, "accumulate is null");
            requireNonNull(step, "step is null");
        }
    }

    /** Compiled with {@code gradient-accumulation-steps = 1}: only the fused step. */
    public record NotAccumulating() implements Accumulation {
    }
}
