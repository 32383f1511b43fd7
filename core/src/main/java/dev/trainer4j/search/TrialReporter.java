package dev.trainer4j.search;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.InvalidInputException;
import dev.trainer4j.api.SearchObjective;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A trial's callback: computes the objective at every evaluation during training, hands it to the pruner, and stops
 * the trial at once (after this evaluation, before another step) when the pruner says so or the objective is not
 * finite.
 */
final class TrialReporter implements Callback {
    private final int trial;
    private final SearchObjective objective;
    private final AshaPruner pruner;
    private final List<Double> intermediate = new ArrayList<>();
    private long lastEvaluationStep = -1;
    private boolean pruned;
    private String failure;

    /** {@code pruner} may be null: no pruning. */
    TrialReporter(int trial, SearchObjective objective, AshaPruner pruner) {
        this.trial = trial;
        this.objective = objective;
        this.pruner = pruner;
    }

    @Override
    public void onEvaluate(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> metrics) {
        if (pruned || failure != null) {
            return;
        }
        double value;
        try {
            value = objective.compute(metrics);
        }
        catch (InvalidInputException e) {
            // another eval dataset's metrics (or a missing key, which the final evaluation reports)
            return;
        }
        intermediate.add(value);
        lastEvaluationStep = state.globalStep();
        if (!Double.isFinite(value)) {
            failure = "the objective is not finite (" + value + ") at evaluation " + intermediate.size() + ", global step "
                    + state.globalStep();
            control.setShouldTrainingStop(true);
            return;
        }
        if (pruner != null && pruner.report(trial, intermediate.size(), value)) {
            pruned = true;
            control.setShouldTrainingStop(true);
        }
    }

    List<Double> intermediate() {
        return List.copyOf(intermediate);
    }

    boolean pruned() {
        return pruned;
    }

    String failure() {
        return failure;
    }

    long lastEvaluationStep() {
        return lastEvaluationStep;
    }
}
