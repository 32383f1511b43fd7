package dev.trainer4j.tf;

import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.tf.optim.TfOptimizer;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The {@link Trainer} on the TensorFlow backend. Override the graph-mode hooks to change what the backend builds:
 * {@link #computeLoss}, {@link #createOptimizer} and {@link #predictionStep} (see {@link TfTrainerHooks}).
 *
 * <p>HF's {@code training_step} (forward, backward and, in Python, one eager step) has no per-step analogue in graph
 * mode: the backward pass, accumulation, clipping and update are built once by the backend from the loss that
 * {@link #computeLoss} returns, so change the loss there.
 */
public class TfTrainer extends Trainer implements TfTrainerHooks {

    public TfTrainer(TrainerSpec spec) {
        this(spec, new LateHooks());
    }

    private TfTrainer(TrainerSpec spec, LateHooks hooks) {
        super(spec, new TfBackend(hooks));
        hooks.bind(this);
    }

    @Override
    public ModelOutput<Operand<?>> computeLoss(ModelOutput<Operand<?>> outputs, Map<String, Operand<?>> inputs, Ops tf) {
        return TfTrainerHooks.super.computeLoss(outputs, inputs, tf);
    }

    @Override
    public TfOptimizer createOptimizer(TrainingArguments args) {
        return TfTrainerHooks.super.createOptimizer(args);
    }

    @Override
    public Map<String, Operand<?>> predictionStep(ModelOutput<Operand<?>> outputs, Map<String, Operand<?>> inputs, Ops tf) {
        return TfTrainerHooks.super.predictionStep(outputs, inputs, tf);
    }

    /** Hooks bound to the trainer after its super constructor ran (Java cannot pass {@code this} to super). */
    private static final class LateHooks implements TfTrainerHooks {
        private TfTrainerHooks target;

        void bind(TfTrainerHooks trainer) {
            this.target = requireNonNull(trainer, "trainer is null");
        }

        private TfTrainerHooks target() {
            if (target == null) {
                throw new IllegalStateException("the TfTrainer is not constructed yet; the backend compiled too early");
            }
            return target;
        }

        @Override
        public ModelOutput<Operand<?>> computeLoss(ModelOutput<Operand<?>> outputs, Map<String, Operand<?>> inputs, Ops tf) {
            return target().computeLoss(outputs, inputs, tf);
        }

        @Override
        public TfOptimizer createOptimizer(TrainingArguments args) {
            return target().createOptimizer(args);
        }

        @Override
        public Map<String, Operand<?>> predictionStep(ModelOutput<Operand<?>> outputs, Map<String, Operand<?>> inputs, Ops tf) {
            return target().predictionStep(outputs, inputs, tf);
        }
    }
}
