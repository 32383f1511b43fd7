package dev.trainer4j.plugins.callbacks;

import dev.trainer4j.api.TrainerState;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One row of the metrics files: {@code event}, {@code step}, {@code epoch}, {@code time} (Unix epoch seconds with
 * millisecond precision), then the event's values in their order. A value named like a fixed column is dropped
 * ({@code step} and {@code epoch} in a log dict repeat the state's).
 */
final class MetricsRecord {
    static final List<String> FIXED_COLUMNS = List.of("event", "step", "epoch", "time");

    private MetricsRecord() {
    }

    static Map<String, Object> of(String event, TrainerState state, Clock clock, Map<String, ?> values) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("event", event);
        row.put("step", state.globalStep());
        row.put("epoch", state.epoch());
        row.put("time", clock.millis() / 1000.0);
        for (Map.Entry<String, ?> entry : values.entrySet()) {
            if (!FIXED_COLUMNS.contains(entry.getKey())) {
                row.put(entry.getKey(), entry.getValue());
            }
        }
        return row;
    }
}
