package dev.trainer4j.api;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of a hyperparameter search (HF's {@code BestRun}, with every trial): the trials by number and the
 * best complete one.
 */
public record SearchResult(List<TrialResult> trials, SearchDirection direction) {
    public SearchResult {
        trials = List.copyOf(requireNonNull(trials, "trials is null"));
        requireNonNull(direction, "direction is null");
    }

    /** The complete trial with the best objective (the lowest number on a tie); empty when none completed. */
    public Optional<TrialResult> bestTrial() {
        TrialResult best = null;
        for (TrialResult trial : trials) {
            if (trial.state() != TrialState.COMPLETE) {
                continue;
            }
            if (best == null || direction.isBetter(trial.objective().getAsDouble(), best.objective().getAsDouble())) {
                best = trial;
            }
        }
        return Optional.ofNullable(best);
    }
}
