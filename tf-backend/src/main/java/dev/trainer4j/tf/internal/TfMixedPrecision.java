package dev.trainer4j.tf.internal;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.tf.internal.TfVariableStore.StateGroup;
import org.tensorflow.Operand;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Op;
import org.tensorflow.op.Ops;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.KernelDef;
import org.tensorflow.proto.KernelList;
import org.tensorflow.proto.RewriterConfig;
import org.tensorflow.types.TBool;
import org.tensorflow.types.TFloat32;
import org.tensorflow.types.TInt64;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * Mixed precision ({@code bf16}, {@code fp16}) as TensorFlow's grappler auto-mixed-precision pass does it, HF's
 * autocast in graph form: the pass rewrites the ops of its allow list (MatMul, BatchMatMul, convolutions) and their
 * gradients to half precision with casts around them, while the variables stay float32 master weights, the optimizer
 * state stays float32 (the fused Apply ops are not rewritten), and the ops of its deny list (softmax, the
 * cross-entropy, reductions such as the loss sum) stay float32. {@code bf16} uses the oneDNN bfloat16 pass on CPUs
 * and the bfloat16 pass on GPUs; {@code fp16} uses the float16 pass on GPUs and, on CPUs, its emulation (float16
 * inputs and outputs of each rewritten op, float32 arithmetic inside: the numerics of float16, not its speed).
 *
 * <p>{@code fp16} adds dynamic loss scaling ({@link LossScale}): the loss is multiplied by the scale before the
 * gradients and the gradients divided by it after; a step whose gradients are not finite writes nothing and halves
 * the scale; {@code loss-scale-window} finite steps in a row double it. The scale is optimizer state, so checkpoints
 * hold it.
 */
public final class TfMixedPrecision {
    /** The precision of a run's compute. */
    public enum Mode {
        FP32, BF16, FP16
    }

    private final Mode mode;
    private final boolean gpus;

    private TfMixedPrecision(Mode mode, boolean gpus) {
        this.mode = mode;
        this.gpus = gpus;
    }

    /** The precision {@code args} ask for, on GPUs or CPUs. */
    public static TfMixedPrecision of(TrainingArguments args, boolean gpus) {
        requireNonNull(args, "args is null");
        return new TfMixedPrecision(args.bf16() ? Mode.BF16 : args.fp16() ? Mode.FP16 : Mode.FP32, gpus);
    }

    public Mode mode() {
        return mode;
    }

    /** Whether the run's devices are GPUs. */
    public boolean gpus() {
        return gpus;
    }

    /** Whether the loss is scaled (fp16). */
    public boolean scalesLoss() {
        return mode == Mode.FP16;
    }

    /** Turns on the grappler pass of this precision in a session's config (nothing for fp32). */
    public ConfigProto.Builder applyTo(ConfigProto.Builder config) {
        if (mode == Mode.FP32) {
            return config;
        }
        RewriterConfig.Builder rewrite = config.getGraphOptions().getRewriteOptions().toBuilder();
        if (mode == Mode.BF16) {
            if (gpus) {
                rewrite.setAutoMixedPrecision(RewriterConfig.Toggle.ON);
            }
            else {
                rewrite.setAutoMixedPrecisionOnednnBfloat16(RewriterConfig.Toggle.ON);
            }
        }
        else if (gpus) {
            rewrite.setAutoMixedPrecision(RewriterConfig.Toggle.ON);
        }
        else {
            rewrite.setAutoMixedPrecisionCpu(RewriterConfig.Toggle.ON);
        }
        GraphOptions.Builder graph = config.getGraphOptions().toBuilder().setRewriteOptions(rewrite);
        return config.setGraphOptions(graph);
    }

    /**
     * Checks, before training, that the precision changes something for this model: at least one op of its training
     * forward pass (the ops named {@code forwardOps}) is one the pass rewrites and has a kernel of the half type on
     * the run's device kind. Otherwise {@code bf16}/{@code fp16} would silently train in float32: one
     * {@link ConfigurationException} naming the key, the model's compute ops and what is missing. The op types are
     * only read with {@code bf16}/{@code fp16} (reading them walks the whole graph).
     */
    public void checkKernels(String modelName,
                             java.util.function.Supplier<? extends java.util.Collection<String>> forwardOps) {
        if (mode == Mode.FP32) {
            return;
        }
        java.util.Collection<String> forwardOpTypes = forwardOps.get();
        String key = mode == Mode.BF16 ? "bf16" : "fp16";
        if (mode == Mode.FP16 && !gpus) {
            java.util.Set<String> untested = new java.util.TreeSet<>(forwardOpTypes);
            untested.removeAll(FP16_CPU_VERIFIED_OPS);
            if (!untested.isEmpty()) {
                throw new ConfigurationException(key, "fp16 = true on a CPU uses TensorFlow 2.18's float16 emulation pass"
                        + " (grappler auto_mixed_precision_cpu), which aborts the whole process on some graphs (seen on"
                        + " the transformer classifier: std::out_of_range in the pass); it is allowed only for models"
                        + " whose forward ops were verified with it, and model '" + modelName + "' also uses " + untested
                        + "; use bf16 on CPUs, or fp16 on a GPU");
            }
        }
        DataType half = mode == Mode.BF16 ? DataType.DT_BFLOAT16 : DataType.DT_HALF;
        String device = gpus ? "GPU" : "CPU";
        java.util.Set<String> candidates = new java.util.TreeSet<>(forwardOpTypes);
        candidates.retainAll(REWRITTEN_OPS);
        java.util.List<String> withKernel = new java.util.ArrayList<>();
        for (String op : candidates) {
            // fp16 on CPUs is emulated: the ops keep float32 kernels, and float16 only needs Cast
            if (mode == Mode.FP16 && !gpus || hasKernel(op, device, half)) {
                withKernel.add(op);
            }
        }
        if (withKernel.isEmpty()) {
            throw new ConfigurationException(key, key + " = true but model '" + modelName + "' has no op that runs in "
                    + (mode == Mode.BF16 ? "bfloat16" : "float16") + " on the " + device + " here: "
                    + (candidates.isEmpty() ? "its forward pass has none of the ops mixed precision rewrites " + REWRITTEN_OPS
                    : "its ops " + candidates + " have no " + half + " kernel on the " + device)
                    + ", so the run would train in float32; set " + key + " = false");
        }
    }

    /**
     * The forward op types the CPU float16 emulation pass was run with here without crashing (the mlp-classifier's,
     * dropout included); a graph with other ops may abort the process inside the pass (the transformer classifier's did).
     */
    private static final java.util.Set<String> FP16_CPU_VERIFIED_OPS = java.util.Set.of("Add", "All", "Assert",
            "BiasAdd", "Cast", "Const", "Equal", "GatherV2", "GreaterEqual", "Identity", "Less", "LogicalAnd",
            "LogicalOr", "MatMul", "Max", "Min", "Mul", "NotEqual", "OneHot", "Pack", "Rank", "Relu", "Reshape", "Shape",
            "SoftmaxCrossEntropyWithLogits", "StatelessRandomUniform", "Sum",
            // Dropout's mask (verified with an MLP at dropout 0.1 for 30 fp16 steps on a CPU)
            "StatelessRandomUniformFullInt", "Bitcast", "Slice", "Size", "FloorDiv");

    /** The op types of grappler's mixed-precision allow list that models here use (matrix products, convolutions). */
    private static final java.util.Set<String> REWRITTEN_OPS = java.util.Set.of("MatMul", "BatchMatMul", "BatchMatMulV2",
            "BatchMatMulV3", "Einsum", "Conv2D", "Conv3D", "DepthwiseConv2dNative");

    /** Whether {@code op} has a kernel on {@code device} (CPU, GPU) whose type attribute allows {@code type}. */
    static boolean hasKernel(String op, String device, DataType type) {
        for (KernelDef kernel : kernels(op).getKernelList()) {
            if (!kernel.getDeviceType().equals(device)) {
                continue;
            }
            for (KernelDef.AttrConstraint constraint : kernel.getConstraintList()) {
                if (constraint.getAllowedValues().getList().getTypeList().contains(type)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Whether {@code op} has a kernel on {@code device} (CPU, GPU) that takes {@code type} for each of the type
     * attributes {@code attrs}: every constraint of the kernel on one of them allows it (a kernel registered without a
     * constraint on an attribute, such as Identity's, takes any type).
     */
    static boolean hasKernel(String op, String device, DataType type, java.util.Set<String> attrs) {
        for (KernelDef kernel : kernels(op).getKernelList()) {
            if (!kernel.getDeviceType().equals(device)) {
                continue;
            }
            boolean accepts = true;
            for (KernelDef.AttrConstraint constraint : kernel.getConstraintList()) {
                if (attrs.contains(constraint.getName())
                        && !constraint.getAllowedValues().getList().getTypeList().contains(type)) {
                    accepts = false;
                }
            }
            if (accepts) {
                return true;
            }
        }
        return false;
    }

    /** The kernels registered for {@code op}. */
    private static KernelList kernels(String op) {
        org.tensorflow.TensorFlow.version(); // loads the native library
        org.tensorflow.internal.c_api.TF_Status status = org.tensorflow.internal.c_api.TF_Status.newStatus();
        try (org.bytedeco.javacpp.BytePointer name = new org.bytedeco.javacpp.BytePointer(op)) {
            org.tensorflow.internal.c_api.TF_Buffer buffer =
                    org.tensorflow.internal.c_api.global.tensorflow.TF_GetRegisteredKernelsForOp(name, status);
            status.throwExceptionIfNotOK();
            try {
                return KernelList.parseFrom(buffer.data().capacity(buffer.length()).asByteBuffer());
            }
            catch (com.google.protobuf.InvalidProtocolBufferException e) {
                throw new IllegalStateException("cannot read the kernels of op " + op + ": " + e.getMessage(), e);
            }
            finally {
                org.tensorflow.internal.c_api.global.tensorflow.TF_DeleteBuffer(buffer);
            }
        }
    }

    /** For the log line: what the precision does here and, on CPUs, what it costs. */
    public String describe() {
        return switch (mode) {
            case FP32 -> "float32";
            case BF16 -> gpus ? "bf16 mixed precision (grappler auto mixed precision, float32 master weights)"
                    : "bf16 mixed precision (grappler oneDNN bfloat16 pass, float32 master weights); on this CPU it is"
                            + " slower than float32 (bench/run mixed-precision measures it; BENCHMARKS.md): it exists"
                            + " for GPUs";
            case FP16 -> gpus ? "fp16 mixed precision with dynamic loss scaling (grappler auto mixed precision)"
                    : "fp16 mixed precision with dynamic loss scaling, emulated on the CPU (float16 rounding, float32"
                            + " arithmetic: slower than float32 here; it exists for GPUs)";
        };
    }

    /**
     * The dynamic loss scale of {@code fp16}: {@code scale} starts at {@code loss-scale-initial}; {@code goodSteps}
     * counts the finite steps since the last change.
     */
    public static final class LossScale {
        private final TfStateVariable<TFloat32> scale;
        private final TfStateVariable<TInt64> goodSteps;
        private final long window;

        /** Creates the scale's state variables (optimizer state: checkpointed, reset with the optimizer). */
        public LossScale(TfVariableStore store, TrainingArguments args) {
            requireNonNull(store, "store is null");
            requireNonNull(args, "args is null");
            float initial = (float) args.lossScaleInitial();
            this.scale = store.state("trainer4j/loss_scale/scale", TFloat32.class, Shape.scalar(), StateGroup.OPTIMIZER,
                    tf -> tf.constant(initial));
            this.goodSteps = store.state("trainer4j/loss_scale/good_steps", TInt64.class, Shape.scalar(),
                    StateGroup.OPTIMIZER, tf -> tf.constant(0L));
            this.window = args.lossScaleWindow();
        }

        /** The current scale. */
        public Operand<TFloat32> scale() {
            return scale.read();
        }

        /**
         * The scale's update after a step: halved (and the count reset) when {@code finite} is false; doubled after
         * {@code loss-scale-window} finite steps in a row.
         */
        public List<Op> update(Ops ops, Operand<TBool> finite) {
            Ops tf = ops.withSubScope("loss_scale");
            Operand<TInt64> counted = tf.select(finite, tf.math.add(goodSteps.read(), tf.constant(1L)), tf.constant(0L));
            Operand<TBool> grow = tf.math.greaterEqual(counted, tf.constant(window));
            Operand<TFloat32> next = tf.select(finite,
                    tf.select(grow, tf.math.mul(scale.read(), tf.constant(2f)), scale.read()),
                    tf.math.maximum(tf.math.mul(scale.read(), tf.constant(0.5f)), tf.constant(1f)));
            Operand<TInt64> nextCount = tf.select(grow, tf.constant(0L), counted);
            return List.of(tf.assign(scale.ref(), next), tf.assign(goodSteps.ref(), nextCount));
        }
    }
}
