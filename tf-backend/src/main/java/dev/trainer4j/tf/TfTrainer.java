package dev.trainer4j.tf;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.loop.DefaultTrainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.StartupTimeline;
import dev.trainer4j.tf.internal.TfDevicePlan;
import dev.trainer4j.tf.nn.CrossEntropyLoss;
import dev.trainer4j.tf.nn.LossSum;
import dev.trainer4j.tf.optim.TfOptimizer;
import org.tensorflow.Operand;
import org.tensorflow.op.Ops;
import org.tensorflow.types.TBfloat16;
import org.tensorflow.types.TFloat16;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TFloat64;
import org.tensorflow.types.TInt32;
import org.tensorflow.types.TInt64;
import org.tensorflow.types.family.TNumber;

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
public class TfTrainer extends DefaultTrainer implements TfTrainerHooks {
    private static final String LABELS = "labels";
    private static final String LOGITS = "logits";

    /** A trainer of {@code spec}; {@code devices = auto} is resolved here to the devices the session finds. */
    public TfTrainer(TrainerSpec spec) {
        this(withDevicesResolved(spec), new LateHooks());
    }

    private TfTrainer(TrainerSpec spec, LateHooks hooks) {
        super(spec, new TfBackend(hooks));
        hooks.bind(this);
    }

    /**
     * {@code devices = auto} becomes the count of devices it resolves to (every GPU, else one CPU device), so that the
     * loop sizes the global batch (per-device batch x devices) for them and checkpoints record the count.
     */
    private static TrainerSpec withDevicesResolved(TrainerSpec spec) {
        TrainingArguments args = requireNonNull(spec, "spec is null").args();
        if (!args.deviceSelection().auto()) {
            return spec;
        }
        StartupTimeline.process().mark("trainer");
        org.tensorflow.TensorFlow.version(); // loads the native library
        StartupTimeline.process().mark("tf native load");
        int count = TfDevicePlan.resolve(args, TfDevices.DEFAULT).distinctDevices().size();
        StartupTimeline.process().mark("device probe");
        return spec.toBuilder().args(args.toBuilder().devices(count).build()).build();
    }

    /**
     * The model's own loss, or with {@code label-smoothing-factor} ε &gt; 0 HF's {@code LabelSmoother}: the model's
     * {@code logits} (else its first output) against the {@code labels} input, per item
     * {@code (1-ε)·NLL + ε·mean_c(-log p_c)}, items labelled -100 ignored, as (sum, count). Like HF, which pops the
     * labels and smooths only when an integer {@code labels} input is present, other label inputs (e.g. regression
     * targets) keep the model's loss.
     */
    @Override
    public ModelOutput<Operand<?>> computeLoss(ModelOutput<Operand<?>> outputs, Map<String, Operand<?>> inputs, Ops tf) {
        if (spec().computeLossFunc().isPresent()) {
            return specLoss().computeLoss(outputs, inputs, tf);
        }
        double epsilon = args().labelSmoothingFactor();
        Operand<?> labels = inputs.get(LABELS);
        if (epsilon <= 0 || labels == null || !isInteger(labels) || outputs.outputs().isEmpty()) {
            return TfTrainerHooks.super.computeLoss(outputs, inputs, tf);
        }
        Operand<?> logits = outputs.names().contains(LOGITS) ? outputs.get(LOGITS) : outputs.first();
        if (!(logits.type() == TFloat32.class || logits.type() == TFloat64.class || logits.type() == TFloat16.class
                || logits.type() == TBfloat16.class)) {
            throw new IllegalArgumentException("label-smoothing-factor = " + epsilon + " needs float logits, but the model's '"
                    + (outputs.names().contains(LOGITS) ? LOGITS : outputs.names().iterator().next()) + "' output is "
                    + logits.type().getSimpleName());
        }
        @SuppressWarnings("unchecked")
        Operand<TFloat32> floatLogits = logits.type() == TFloat32.class
                ? (Operand<TFloat32>) logits
                : tf.dtypes.cast((Operand<? extends TNumber>) logits, TFloat32.class);
        @SuppressWarnings("unchecked")
        LossSum loss = new CrossEntropyLoss(epsilon, null).compute(tf.withSubScope("label_smoothing"), floatLogits,
                (Operand<? extends TNumber>) labels);
        return outputs.withLoss(loss.sum(), loss.count());
    }

    private static boolean isInteger(Operand<?> operand) {
        Class<?> type = operand.type();
        return type == TInt32.class || type == TInt64.class;
    }

    // ---- issue 20: HF parity ----

    /** The spec's {@code computeLossFunc}, which must be a {@link TfComputeLoss}. */
    private TfComputeLoss specLoss() {
        Object function = spec().computeLossFunc().orElseThrow();
        if (!(function instanceof TfComputeLoss loss)) {
            throw new ConfigurationException("compute-loss-func", "the TensorFlow backend needs a compute-loss function"
                    + " of type " + TfComputeLoss.class.getName() + ", got " + function.getClass().getName());
        }
        return loss;
    }

    /** Row-independent unless a spec loss function says otherwise (see {@link TfComputeLoss#rowIndependent()}). */
    @Override
    public boolean lossRowIndependent() {
        if (spec().computeLossFunc().isPresent()) {
            return specLoss().rowIndependent();
        }
        return TfTrainerHooks.super.lossRowIndependent();
    }

    /** The spec's optimizer (HF's {@code optimizers[0]}) when given, which must be a {@link TfOptimizer}; else {@code optim}'s. */
    @Override
    public TfOptimizer createOptimizer(TrainingArguments args) {
        if (spec().optimizer().isPresent()) {
            Object optimizer = spec().optimizer().get();
            if (!(optimizer instanceof TfOptimizer tfOptimizer)) {
                throw new ConfigurationException("optimizers", "the TensorFlow backend needs an optimizer of type "
                        + TfOptimizer.class.getName() + ", got " + optimizer.getClass().getName());
            }
            return tfOptimizer;
        }
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
        public boolean lossRowIndependent() {
            return target().lossRowIndependent();
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
