package dev.trainer4j.bench;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;

import static java.util.Objects.requireNonNull;

/** Runs a {@link TimedWindow} over the trainer's step ends and stops training once the window is complete. */
public final class StepTimer implements Callback {
    private final TimedWindow window;

    public StepTimer(TimedWindow window) {
        this.window = requireNonNull(window, "window is null");
    }

    public TimedWindow window() {
        return window;
    }

    @Override
    public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
        if (window.afterStep(state.globalStep())) {
            control.setShouldTrainingStop(true);
        }
    }
}
