package dev.trainer4j.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class MlpGemmShapesTest {
    @Test
    void mlpLargeStepHasEightMatMulsWithTheHandCountedFlops() {
        // forward: 256x784x1024, 256x1024x1024, 256x1024x10; weight gradients: the same three products;
        // input gradients of layers 1 and 2 only: 256x1024x1024, 256x10x1024
        double forward = 2.0 * 256 * (784 * 1024 + 1024 * 1024 + 1024 * 10);
        double inputGradients = 2.0 * 256 * (1024 * 1024 + 10 * 1024);
        assertThat(MlpGemmShapes.products(BenchModel.MLP_LARGE)).hasSize(8);
        assertThat(MlpGemmShapes.products(BenchModel.MLP_LARGE).stream().mapToDouble(MlpGemmShapes.Product::flops).sum())
                .isEqualTo(2 * forward + inputGradients);
    }
}
