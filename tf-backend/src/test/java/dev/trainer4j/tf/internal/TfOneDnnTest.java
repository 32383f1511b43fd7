package dev.trainer4j.tf.internal;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class TfOneDnnTest {

    @Test
    void theVariableDecidesWhenSet() {
        assertThat(TfOneDnn.describe("1", List.of("avx2"))).isEqualTo("oneDNN kernels on (TF_ENABLE_ONEDNN_OPTS=1)");
        assertThat(TfOneDnn.describe("true", List.of())).startsWith("oneDNN kernels on");
        assertThat(TfOneDnn.describe("0", List.of("avx512_vnni"))).isEqualTo("oneDNN kernels off (TF_ENABLE_ONEDNN_OPTS=0)");
        assertThat(TfOneDnn.enabled(" TRUE ", List.of())).isTrue();
        assertThat(TfOneDnn.enabled("0", List.of("amx_tile"))).isFalse();
    }

    @Test
    void unsetFollowsTensorFlowsCpuDefault() {
        assertThat(TfOneDnn.describe(null, List.of("avx2", "avx512f", "avx512_vnni")))
                .isEqualTo("oneDNN kernels on (TensorFlow's default for this CPU)");
        assertThat(TfOneDnn.describe(null, List.of("avx2", "fma")))
                .startsWith("oneDNN kernels off").contains("TF_ENABLE_ONEDNN_OPTS=1");
        assertThat(TfOneDnn.enabled(null, List.of("avx2", "avx_vnni"))).isTrue();
        assertThat(TfOneDnn.enabled(null, List.of("avx2", "fma"))).isFalse();
    }
}
