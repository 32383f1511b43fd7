package dev.trainer4j.spi;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.HostTensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EngineOptionsTest {
    @Test
    void aBatchGivesItsShapesAndThePromiseThatEveryBatchHasThem() {
        Batch batch = new Batch(Map.of("x", HostTensor.ofFloats(new float[6], 2, 3), "labels", HostTensor.ofInts(new int[2], 2)));

        EngineOptions options = new EngineOptions(List.of("labels"), 10).withBatchShapes(batch, true);

        assertThat(options.batchShapes()).isEqualTo(Map.of("x", List.of(2L, 3L), "labels", List.of(2L)));
        assertThat(options.uniformBatchShapes()).isTrue();
        assertThat(new EngineOptions(List.of("labels"), 10).uniformBatchShapes()).isFalse();
    }

    @Test
    void thePromiseNeedsShapes() {
        assertThatThrownBy(() -> new EngineOptions(List.of(), -1, Optional.empty(), Map.of(), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shapes of a training batch");
    }
}
