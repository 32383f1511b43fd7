package dev.trainer4j.api;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

import static java.util.Objects.requireNonNull;

/**
 * One finished trial of a hyperparameter search.
 *
 * @param number the trial's number, from 0; its output is in {@code output-dir/trial-<number>/}
 * @param parameters the value of every searched key, in the space's order
 * @param state complete, pruned or failed
 * @param objective the trial's objective (empty when it failed)
 * @param message why it failed, or an empty string
 * @param intermediate the objective at each evaluation during training, in order (what the pruner saw)
 * @param trainedSteps the optimizer steps the trial trained
 */
public record TrialResult(int number, Map<String, Object> parameters, TrialState state, OptionalDouble objective,
        String message, List<Double> intermediate, long trainedSteps) {
    public TrialResult {
        if (number < 0) {
            throw new IllegalArgumentException("number must be >= 0, not " + number);
        }
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(parameters, "parameters is null")));
        requireNonNull(state, "state is null");
        requireNonNull(objective, "objective is null");
        requireNonNull(message, "message is null");
        intermediate = List.copyOf(requireNonNull(intermediate, "intermediate is null"));
        if (state != TrialState.FAILED && objective.isEmpty()) {
            throw new IllegalArgumentException("a " + state.configName() + " trial needs an objective");
        }
    }

    /** The objective of a complete or pruned trial, for ranking; empty for a failed one. */
    public Optional<Double> rankedObjective() {
        return state == TrialState.FAILED ? Optional.empty() : Optional.of(objective.getAsDouble());
    }
}
