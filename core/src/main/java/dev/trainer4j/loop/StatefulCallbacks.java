package dev.trainer4j.loop;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.StatefulCallback;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Saves and restores the state of {@link StatefulCallback}s in HF's {@code stateful_callbacks} layout:
 * {@code key -> {"args": {}, "attributes": state}}, or a list of those when several callbacks share a key.
 */
final class StatefulCallbacks {
    private StatefulCallbacks() {
    }

    public static Map<String, Object> export(List<Callback> callbacks) {
        Map<String, List<Map<String, Object>>> byKey = new LinkedHashMap<>();
        for (Callback callback : callbacks) {
            if (callback instanceof StatefulCallback stateful) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("args", Map.of());
                entry.put("attributes", stateful.exportState());
                byKey.computeIfAbsent(stateful.stateKey(), key -> new ArrayList<>()).add(entry);
            }
        }
        Map<String, Object> result = new LinkedHashMap<>();
        byKey.forEach((key, entries) -> result.put(key, entries.size() == 1 ? entries.get(0) : entries));
        return result;
    }

    /** Restores each stateful callback from the entry under its key (by position when the key holds a list). */
    @SuppressWarnings("unchecked")
    public static void restore(List<Callback> callbacks, Map<String, Object> saved) {
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (Callback callback : callbacks) {
            if (!(callback instanceof StatefulCallback stateful)) {
                continue;
            }
            Object value = saved.get(stateful.stateKey());
            int index = seen.merge(stateful.stateKey(), 1, Integer::sum) - 1;
            Object entry = value instanceof List<?> list ? (index < list.size() ? list.get(index) : null)
                    : index == 0 ? value : null;
            if (entry instanceof Map<?, ?> map && map.get("attributes") instanceof Map<?, ?> attributes) {
                stateful.importState((Map<String, Object>) attributes);
            }
        }
    }
}
