package dev.trainer4j.bench.transformer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TransformerBenchModelTest {
    private final TransformerBenchModel main = TransformerBenchModel.MAIN_JOB;

    @Test
    void countsTheMainJobsParametersByHand() {
        // per layer: query, key, value, output 4 x (64*64 + 64) = 16,640; two LayerNorms 2 x (64 + 64) = 256;
        // intermediate 64*128 + 128 = 8,320; output 128*64 + 64 = 8,256; together 33,472, times 2 layers = 66,944;
        // final LayerNorm 128; classifier 64*2 + 2 = 130
        assertThat(main.nonEmbeddingParameters()).isEqualTo(66_944 + 128 + 130);
        // word (8000) and position (128) tables of width 64
        assertThat(main.embeddingParameters()).isEqualTo(520_192);
        // the peer benchmark (../shared/peers/README.md) counts 587,394 in every stack
        assertThat(main.parameters()).isEqualTo(587_394);
    }

    @Test
    void flopsPerStepFollowIssue22sFormula() {
        // 6 x 67,202 x (32 x 64) = 825,778,176 and 12 x 2 x 64 x 64^2 x 32 = 201,326,592
        assertThat(main.tokensPerStep()).isEqualTo(2048);
        assertThat(main.flopsPerStep()).isEqualTo(825_778_176.0 + 201_326_592.0);
    }

    @Test
    void theCausalLmCountsItsTiedHeadAsCompute() {
        TransformerBenchModel lm = TransformerBenchModel.CAUSAL_LM;
        // the same 2 layers (66,944) and final LayerNorm (128), then the head's bias (8,000); its kernel is the word table
        assertThat(lm.nonEmbeddingParameters()).isEqualTo(66_944 + 128 + 8_000);
        assertThat(lm.parameters()).isEqualTo(595_264);
        // 6 x 75,072 x 2,048 = 922,484,736; attention as the classifier's 201,326,592; the tied projection
        // 6 x 8,000 x 64 x 2,048 = 6,291,456,000
        assertThat(lm.flopsPerStep()).isEqualTo(922_484_736.0 + 201_326_592.0 + 6_291_456_000.0);
    }

    @Test
    void refusesHeadsThatDoNotDivideTheWidth() {
        assertThatThrownBy(() -> new TransformerBenchModel(TransformerBenchModel.Task.CLASSIFIER, 8000, 64, 2, 5, 128, 128,
                64, 32, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inconsistent");
    }
}
