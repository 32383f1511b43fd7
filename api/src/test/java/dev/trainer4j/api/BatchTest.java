package dev.trainer4j.api;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BatchTest {
    @Test
    void shapesAreEachTensorsShapeInTheBatchsOrder() {
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put("input_ids", HostTensor.ofInts(new int[6], 2, 3));
        tensors.put("labels", HostTensor.ofInts(new int[2], 2));
        Batch batch = new Batch(tensors);
        assertThat(batch.shapes()).containsExactly(Map.entry("input_ids", List.of(2L, 3L)),
                Map.entry("labels", List.of(2L)));
    }
}
