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
    void settingsAlreadyInTheConfigAreKept() {
        ConfigProto.Builder config = ConfigProto.newBuilder().setIntraOpParallelismThreads(3);
        config.getGraphOptionsBuilder().getRewriteOptionsBuilder().setRemapping(RewriterConfig.Toggle.OFF);

        ConfigProto applied = TfGrappler.applyTo(config, false).build();

        assertThat(applied.getIntraOpParallelismThreads()).isEqualTo(3);
        assertThat(applied.getGraphOptions().getRewriteOptions().getRemapping()).isEqualTo(RewriterConfig.Toggle.OFF);
    }
}
