package dev.trainer4j.loop;

import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;

import static java.util.Objects.requireNonNull;

/**
 * What a {@code Trainer} shares with its loops: the spec, the callbacks and the {@link TrainerState} and
 * {@link TrainerControl} of the current (or last) run. A training run replaces both at its start, and a resume
 * replaces the state with the checkpoint's, so readers always ask this context rather than keep their own copy.
 */
final class LoopContext {
    private final TrainerSpec spec;
    private final CallbackHandler callbacks;
    private final StopRequest stopRequest = new StopRequest();
    private TrainerState state = new TrainerState();
    private TrainerControl control = new TrainerControl();

    public LoopContext(TrainerSpec spec, CallbackHandler callbacks) {
        this.spec = requireNonNull(spec, "spec is null");
        this.callbacks = requireNonNull(callbacks, "callbacks is null");
    }

    public TrainerSpec spec() {
        return spec;
    }

    public TrainingArguments args() {
        return spec.args();
    }

    public CallbackHandler callbacks() {
        return callbacks;
    }

    public TrainerState state() {
        return state;
    }

    public TrainerControl control() {
        return control;
    }

    /** The request to stop the current or next run, shared by {@code Trainer.stop()} and the loop. */
    StopRequest stopRequest() {
        return stopRequest;
    }

    /** A new run starts with a fresh state and control. */
    void startRun() {
        state = new TrainerState();
        control = new TrainerControl();
    }

    /** A resume continues with the checkpoint's state. */
    void restoreState(TrainerState restored) {
        state = requireNonNull(restored, "restored is null");
    }
}
