package dev.trainer4j.loop;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Fires events on every callback in order and resets the control flags as HF's {@code CallbackHandler} does:
 * train begin resets {@code shouldTrainingStop}, epoch begin {@code shouldEpochStop}, step begin log/evaluate/save,
 * and evaluate, save and log each reset their own flag (before the callbacks run, so callbacks may set it again).
 */
public final class CallbackHandler {
    private final TrainingArguments args;
    private final List<Callback> callbacks = new ArrayList<>();

    public CallbackHandler(TrainingArguments args, List<? extends Callback> callbacks) {
        this.args = requireNonNull(args, "args is null");
        callbacks.forEach(this::add);
    }

    public void add(Callback callback) {
        callbacks.add(requireNonNull(callback, "callback is null"));
    }

    public boolean remove(Callback callback) {
        return callbacks.remove(callback);
    }

    /** The callbacks in firing order (a copy). */
    public List<Callback> callbacks() {
        return List.copyOf(callbacks);
    }

    /** Whether a callback reads the gradients of logged steps ({@link Callback#needsGradients()}). */
    public boolean anyNeedsGradients() {
        for (Callback callback : callbacks) {
            if (callback.needsGradients()) {
                return true;
            }
        }
        return false;
    }

    public void onInitEnd(TrainerState state, TrainerControl control) {
        callbacks.forEach(c -> c.onInitEnd(args, state, control));
    }

    public void onTrainBegin(TrainerState state, TrainerControl control) {
        control.setShouldTrainingStop(false);
        callbacks.forEach(c -> c.onTrainBegin(args, state, control));
    }

    public void onTrainEnd(TrainerState state, TrainerControl control) {
        callbacks.forEach(c -> c.onTrainEnd(args, state, control));
    }

    public void onEpochBegin(TrainerState state, TrainerControl control) {
        control.setShouldEpochStop(false);
        callbacks.forEach(c -> c.onEpochBegin(args, state, control));
    }

    public void onEpochEnd(TrainerState state, TrainerControl control) {
        callbacks.forEach(c -> c.onEpochEnd(args, state, control));
    }

    public void onStepBegin(TrainerState state, TrainerControl control) {
        control.setShouldLog(false);
        control.setShouldEvaluate(false);
        control.setShouldSave(false);
        callbacks.forEach(c -> c.onStepBegin(args, state, control));
    }

    public void onPreOptimizerStep(TrainerState state, TrainerControl control) {
        callbacks.forEach(c -> c.onPreOptimizerStep(args, state, control));
    }

    public void onOptimizerStep(TrainerState state, TrainerControl control) {
        callbacks.forEach(c -> c.onOptimizerStep(args, state, control));
    }

    public void onSubstepEnd(TrainerState state, TrainerControl control) {
        callbacks.forEach(c -> c.onSubstepEnd(args, state, control));
    }

    public void onStepEnd(TrainerState state, TrainerControl control) {
        callbacks.forEach(c -> c.onStepEnd(args, state, control));
    }

    public void onEvaluate(TrainerState state, TrainerControl control, Map<String, Double> metrics) {
        control.setShouldEvaluate(false);
        callbacks.forEach(c -> c.onEvaluate(args, state, control, metrics));
    }

    public void onPredict(TrainerState state, TrainerControl control, Map<String, Double> metrics) {
        callbacks.forEach(c -> c.onPredict(args, state, control, metrics));
    }

    public void onSave(TrainerState state, TrainerControl control) {
        control.setShouldSave(false);
        callbacks.forEach(c -> c.onSave(args, state, control));
    }

    public void onLog(TrainerState state, TrainerControl control, Map<String, Object> logs) {
        control.setShouldLog(false);
        callbacks.forEach(c -> c.onLog(args, state, control, logs));
    }

    public void onPredictionStep(TrainerState state, TrainerControl control) {
        callbacks.forEach(c -> c.onPredictionStep(args, state, control));
    }
}
