package dev.trainer4j.tf.internal;

import org.junit.jupiter.api.Test;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.RewriterConfig;

import static org.assertj.core.api.Assertions.assertThat;

class TfGrapplerTest {
    @Test
    void aCpuSessionRunsOneIterationWithoutTheShapeTfgMemoryAndLayoutPasses() {
        RewriterConfig rewrite = TfGrappler.applyTo(ConfigProto.newBuilder(), false).build()
                .getGraphOptions().getRewriteOptions();

        assertThat(rewrite.getMetaOptimizerIterations()).isEqualTo(RewriterConfig.NumIterationsType.ONE);
        assertThat(rewrite.getShapeOptimization()).isEqualTo(RewriterConfig.Toggle.OFF);
        assertThat(rewrite.getDisableTfgOptimizer()).isTrue();
        assertThat(rewrite.getMemoryOptimization()).isEqualTo(RewriterConfig.MemOptType.NO_MEM_OPT);
        assertThat(rewrite.getLayoutOptimizer()).isEqualTo(RewriterConfig.Toggle.OFF);
        // the passes that change the step stay at TensorFlow's default
        assertThat(rewrite.getRemapping()).isEqualTo(RewriterConfig.Toggle.DEFAULT);
        assertThat(rewrite.getConstantFolding()).isEqualTo(RewriterConfig.Toggle.DEFAULT);
        assertThat(rewrite.getArithmeticOptimization()).isEqualTo(RewriterConfig.Toggle.DEFAULT);
    }

    @Test
    void aSessionWithGpusKeepsTheMemoryAndLayoutOptimizers() {
        RewriterConfig rewrite = TfGrappler.applyTo(ConfigProto.newBuilder(), true).build()
                .getGraphOptions().getRewriteOptions();

        assertThat(rewrite.getMemoryOptimization()).isEqualTo(RewriterConfig.MemOptType.DEFAULT_MEM_OPT);
        assertThat(rewrite.getLayoutOptimizer()).isEqualTo(RewriterConfig.Toggle.DEFAULT);
        assertThat(rewrite.getShapeOptimization()).isEqualTo(RewriterConfig.Toggle.OFF);
    }

    @Test
    void withFixedTrainingShapesTheRemapperRunsBeforeConstantFoldingAndThePassesOffStayOff() {
        RewriterConfig rewrite = TfGrappler.applyTo(ConfigProto.newBuilder(), false, true).build()
                .getGraphOptions().getRewriteOptions();

        // TensorFlow 2.18's default order of these passes is pruning, function, common_subgraph_elimination,
        // constfold, arithmetic, remap, loop, dependency
        assertThat(rewrite.getOptimizersList()).containsExactly("pruning", "function", "common_subgraph_elimination",
                "remap", "constfold", "arithmetic", "loop", "dependency");
        assertThat(rewrite.getMetaOptimizerIterations()).isEqualTo(RewriterConfig.NumIterationsType.ONE);

        ConfigProto.Builder noRemapping = ConfigProto.newBuilder();
        noRemapping.getGraphOptionsBuilder().getRewriteOptionsBuilder().setRemapping(RewriterConfig.Toggle.OFF)
                .setArithmeticOptimization(RewriterConfig.Toggle.OFF);
        assertThat(TfGrappler.applyTo(noRemapping, false, true).build().getGraphOptions().getRewriteOptions()
                .getOptimizersList()).as("common subgraph elimination needs the arithmetic optimizer, as in TensorFlow")
                .containsExactly("pruning", "function", "constfold", "loop", "dependency");
        assertThat(TfGrappler.applyTo(ConfigProto.newBuilder(), false).build().getGraphOptions().getRewriteOptions()
                .getOptimizersList()).as("TensorFlow's own order otherwise").isEmpty();
    }

    @Test
    void settingsAlreadyInTheConfigAreKept() {
        ConfigProto.Builder config = ConfigProto.newBuilder().setIntraOpParallelismThreads(3);
        config.getGraphOptionsBuilder().getRewriteOptionsBuilder().setRemapping(RewriterConfig.Toggle.OFF);

        ConfigProto applied = TfGrappler.applyTo(config, false).build();

        assertThat(applied.getIntraOpParallelismThreads()).isEqualTo(3);
        assertThat(applied.getGraphOptions().getRewriteOptions().getRemapping()).isEqualTo(RewriterConfig.Toggle.OFF);
    }
}
