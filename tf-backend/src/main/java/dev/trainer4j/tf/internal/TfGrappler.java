package dev.trainer4j.tf.internal;

import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;
import org.tensorflow.proto.RewriterConfigOrBuilder;

import java.util.ArrayList;
import java.util.List;

/**
 * The grappler passes of the engine's session. TensorFlow runs grappler once per new run signature (the first
 * training step, the variable initialisation, the first evaluation), and on the main job's training graph (3,842 ops)
 * it took about 0.8 s of the first step. Three groups of passes cost a third of that and changed nothing in that
 * graph, so they are off:
 * <ul>
 *   <li>the shape optimizer (150 ms; it rewrites {@code Prod(Shape(x))} and the like, 4 edges in that graph);</li>
 *   <li>the TFG (MLIR) passes (110 ms over their four runs; no change);</li>
 *   <li>the memory optimizer on the CPU (60 ms; no change: its recomputation looks for ops under the name scope
 *       {@code gradients/}, which the engine does not use, and its swapping is for GPUs; kept when the plan has
 *       GPUs);</li>
 *   <li>the layout optimizer on the CPU (56 ms of the main job's first step; no change: it converts between NHWC
 *       and NCHW for GPU kernels, and on a session without GPUs only when {@code cpu_layout_conversion} asks, which
 *       the engine does not; kept when the plan has GPUs).</li>
 * </ul>
 * Constant folding, arithmetic, the remapper (the fused oneDNN kernels), dependency and common subgraph
 * elimination stay, in one iteration instead of the default two: on the main job's training graph the second
 * iteration took 190-250 ms of the first step and removed 41 of about 2,600 nodes (13 by common subgraph elimination,
 * 28 by the dependency optimizer) without changing what the step computes; the step's time did not change
 * (TransformerStepTrace, interleaved runs).
 *
 * <p>A session whose training step has static shapes ({@link TfCompiledGraph#fixedTrainingShapes()}) runs the same
 * passes with the remapper moved before constant folding. Constant folding turns each {@code Shape} of a static
 * tensor into a constant with a control edge from the tensor's op, and the remapper does not fuse an op with control
 * edges: after folding, none of the 24 {@code MatMul} + {@code BiasAdd} pairs of the main job's model became a
 * {@code _FusedMatMul}. Fused first, they keep their kernels.
 */
public final class TfGrappler {
    private TfGrappler() {
    }

    /** Turns off the passes above in a session's config; {@code gpus} keeps the memory and layout optimizers. */
    public static ConfigProto.Builder applyTo(ConfigProto.Builder config, boolean gpus) {
        return applyTo(config, gpus, false);
    }

    /**
     * {@link #applyTo(ConfigProto.Builder, boolean)}, and with {@code remapFirst} the passes named in TensorFlow's
     * default order but the remapper before constant folding (a pass the config turns off stays off). The named list
     * has no automatic mixed precision pass: it is for float32 sessions.
     */
    public static ConfigProto.Builder applyTo(ConfigProto.Builder config, boolean gpus, boolean remapFirst) {
        RewriterConfig.Builder rewrite = config.getGraphOptions().getRewriteOptions().toBuilder()
                .setShapeOptimization(RewriterConfig.Toggle.OFF)
                .setDisableTfgOptimizer(true)
                .setMetaOptimizerIterations(RewriterConfig.NumIterationsType.ONE);
        if (!gpus) {
            rewrite.setMemoryOptimization(RewriterConfig.MemOptType.NO_MEM_OPT)
                    .setLayoutOptimizer(RewriterConfig.Toggle.OFF);
        }
        if (remapFirst) {
            rewrite.clearOptimizers().addAllOptimizers(remapFirstOrder(rewrite));
        }
        GraphOptions.Builder graph = config.getGraphOptions().toBuilder().setRewriteOptions(rewrite);
        return config.setGraphOptions(graph);
    }

    /**
     * TensorFlow 2.18's default pipeline (meta_optimizer.cc) for the passes this config leaves on, by the names a
     * config's {@code optimizers} list takes, with {@code remap} moved from after {@code layout} to before
     * {@code constfold}.
     */
    private static List<String> remapFirstOrder(RewriterConfigOrBuilder rewrite) {
        boolean arithmetic = on(rewrite.getArithmeticOptimization());
        List<String> names = new ArrayList<>();
        if (!rewrite.getDisableModelPruning()) {
            names.add("pruning");
        }
        addIf(names, "function", on(rewrite.getFunctionOptimization()));
        addIf(names, "common_subgraph_elimination", on(rewrite.getCommonSubgraphElimination()) && arithmetic);
        addIf(names, "debug_stripper", rewrite.getDebugStripper() == RewriterConfig.Toggle.ON);
        addIf(names, "remap", on(rewrite.getRemapping()));
        addIf(names, "constfold", on(rewrite.getConstantFolding()));
        addIf(names, "shape", on(rewrite.getShapeOptimization()));
        addIf(names, "pin_to_host", rewrite.getPinToHostOptimization() == RewriterConfig.Toggle.ON);
        addIf(names, "arithmetic", arithmetic);
        addIf(names, "layout", on(rewrite.getLayoutOptimizer()));
        addIf(names, "loop", on(rewrite.getLoopOptimization()));
        addIf(names, "dependency", on(rewrite.getDependencyOptimization()));
        addIf(names, "memory", rewrite.getMemoryOptimization() != RewriterConfig.MemOptType.NO_MEM_OPT);
        return names;
    }

    private static boolean on(RewriterConfig.Toggle toggle) {
        return toggle != RewriterConfig.Toggle.OFF;
    }

    private static void addIf(List<String> names, String name, boolean condition) {
        if (condition) {
            names.add(name);
        }
    }
}
