package dev.trainer4j.tf;

import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.tf.optim.TfOptimizer;
import dev.trainer4j.tf.optim.TfOptimizers;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;

import java.util.Map;

/**
 * What a {@link TfTrainer} subclass can change in the graph the backend builds once per run, HF's subclassing hooks
 * in graph mode. Every hook is called while the graph is built (at compile), never per step.
 */
public interface TfTrainerHooks {

    /** The hooks that change nothing. */
    TfTrainerHooks DEFAULT = new TfTrainerHooks() {
    };

    /**
     * HF's {@code compute_loss}: the loss of a forward pass as (sum of per-item losses, number of label items).
     * Called for the training and the evaluation pass when the inputs hold labels. The default returns the
     * model's own loss. When the training batch is split into towers ({@code train-towers}) it is called once per
     * tower with that tower's rows, and the towers' sums and counts are added; see {@link #lossRowIndependent()}.
     *
     * @param outputs what the model returned
     * @param inputs the pass's placeholders by name, labels included
     * @param tf ops under the pass's name scope
     */
    default ModelOutput<Operand<?>> computeLoss(ModelOutput<Operand<?>> outputs, Map<String, Operand<?>> inputs, Ops tf) {
        return outputs;
    }

    /**
     * Whether {@link #computeLoss} keeps the rows of a batch independent: it returns a sum of per-row terms and
     * their item count, so the backend may split a training batch into towers and call it once per tower. The
     * default answers true for the default and {@link TfTrainer}'s own {@code computeLoss}, false when a subclass
     * overrides it (a loss that averages or couples rows would be wrong per tower). An override that only sums
     * per-row terms may return true to let small models use every core.
     */
    default boolean lossRowIndependent() {
        try {
            Class<?> declaring = getClass().getMethod("computeLoss", ModelOutput.class, Map.class, Ops.class)
                    .getDeclaringClass();
            return declaring == TfTrainerHooks.class || declaring == TfTrainer.class;
        }
        catch (NoSuchMethodException e) {
            throw new IllegalStateException("computeLoss not found on " + getClass().getName(), e);
        }
    }

    /** HF's {@code create_optimizer}: the optimizer of the run; the default follows {@code args.optim()}. */
    default TfOptimizer createOptimizer(TrainingArguments args) {
        return TfOptimizers.fromArguments(args);
    }

    /**
     * HF's {@code prediction_step} (with {@code preprocess_logits_for_metrics}): the outputs an evaluation or
     * prediction batch returns to the host, e.g. an arg-max instead of full logits. Called for the evaluation and
     * the prediction pass. The default returns every model output. Outputs of types other than float32/64 and
     * int32/64 are cast (bool to int32, half floats to float32).
     */
    default Map<String, Operand<?>> predictionStep(ModelOutput<Operand<?>> outputs, Map<String, Operand<?>> inputs, Ops tf) {
        return outputs.outputs();
    }
}
