package dev.trainer4j.api;

import java.util.Map;

/**
 * A callback whose state is saved with each checkpoint (in {@code trainer_state.json} under
 * {@code stateful_callbacks}) and restored on resume, like HF's {@code ExportableState}.
 */
public interface StatefulCallback extends Callback {

    /** A stable key for this callback's state, e.g. {@code EarlyStoppingCallback}. */
    String stateKey();

    /** The state to save: JSON-compatible values (numbers, strings, booleans, lists, maps). */
    Map<String, Object> exportState();

    /** Restores what {@link #exportState()} returned. */
    void importState(Map<String, Object> state);
}
