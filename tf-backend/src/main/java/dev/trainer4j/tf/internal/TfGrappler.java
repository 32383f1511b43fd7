package dev.trainer4j.tf.internal;

import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.GraphOptions;
import org.tensorflow.proto.RewriterConfig;

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
 */
public final class TfGrappler {
    private TfGrappler() {
    }

    /** Turns off the passes above in a session's config; {@code gpus} keeps the memory and layout optimizers. */
    public static ConfigProto.Builder applyTo(ConfigProto.Builder config, boolean gpus) {
        RewriterConfig.Builder rewrite = config.getGraphOptions().getRewriteOptions().toBuilder()
                .setShapeOptimization(RewriterConfig.Toggle.OFF)
                .setDisableTfgOptimizer(true)
                .setMetaOptimizerIterations(RewriterConfig.NumIterationsType.ONE);
        if (!gpus) {
            rewrite.setMemoryOptimization(RewriterConfig.MemOptType.NO_MEM_OPT)
                    .setLayoutOptimizer(RewriterConfig.Toggle.OFF);
        }
        GraphOptions.Builder graph = config.getGraphOptions().toBuilder().setRewriteOptions(rewrite);
        return config.setGraphOptions(graph);
    }
}
