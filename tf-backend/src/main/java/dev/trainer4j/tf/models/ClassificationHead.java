package dev.trainer4j.tf.models;

import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.tf.nn.CrossEntropyLoss;
import dev.trainer4j.tf.nn.LossSum;
import dev.trainer4j.tf.nn.MeanSquaredErrorLoss;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt32;

import java.util.Map;

/**
 * The output of a classifier head, as HF's sequence classifiers do it: {@code logits}, and with the {@code labels}
 * input the loss as (sum, item count) — masked cross-entropy over classes, or the squared error when the model has
 * one label (regression).
 */
final class ClassificationHead {
    static final String LABELS = "labels";
    static final String LOGITS = "logits";

    private ClassificationHead() {
    }

    static ModelOutput<Operand<?>> output(Ops tf, String model, Map<String, Operand<?>> inputs, Operand<TFloat32> logits,
            boolean regression) {
        Map<String, Operand<?>> outputs = Map.of(LOGITS, logits);
        if (!inputs.containsKey(LABELS)) {
            return ModelOutput.of(outputs);
        }
        LossSum loss = regression
                ? new MeanSquaredErrorLoss().compute(tf, logits, ModelInputs.required(tf, model, inputs, LABELS, TFloat32.class))
                : new CrossEntropyLoss().compute(tf, logits, ModelInputs.required(tf, model, inputs, LABELS, TInt32.class));
        return ModelOutput.withLoss(loss.sum(), loss.count(), outputs);
    }
}
