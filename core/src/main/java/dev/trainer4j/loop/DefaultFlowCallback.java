package dev.trainer4j.loop;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;

/**
 * HF's {@code DefaultFlowCallback}, always the first callback: turns the logging, evaluation and save strategies
 * into control flags at step and epoch ends, honours {@code logging-first-step} and {@code eval-delay}, and stops
 * training at {@code max_steps} (forcing a save when {@code save-strategy = steps}).
 */
public final class DefaultFlowCallback implements Callback {

    @Override
    public void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
        long step = state.globalStep();
        if (logsAtStepEnd(args, state.loggingSteps(), step)) {
            control.setShouldLog(true);
        }
        if (args.evalStrategy() == IntervalStrategy.STEPS && state.evalSteps() > 0 && step % state.evalSteps() == 0
                && args.evalDelay() <= step) {
            control.setShouldEvaluate(true);
        }
        if (args.saveStrategy() == SaveStrategy.STEPS && state.saveSteps() > 0 && step % state.saveSteps() == 0) {
            control.setShouldSave(true);
        }
        if (step >= state.maxSteps()) {
            control.setShouldTrainingStop(true);
            if (args.saveStrategy() == SaveStrategy.STEPS) {
                control.setShouldSave(true);
            }
        }
    }

    /**
     * Whether {@link #onStepEnd} asks to log after global step {@code step} (1-based): {@code logging-first-step} at
     * step 1, {@code logging-strategy = steps} every {@code loggingSteps} steps.
     */
    static boolean logsAtStepEnd(TrainingArguments args, long loggingSteps, long step) {
        return (step == 1 && args.loggingFirstStep())
                || (args.loggingStrategy() == IntervalStrategy.STEPS && loggingSteps > 0 && step % loggingSteps == 0);
    }

    @Override
    public void onEpochEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
        if (args.loggingStrategy() == IntervalStrategy.EPOCH) {
            control.setShouldLog(true);
        }
        if (args.evalStrategy() == IntervalStrategy.EPOCH && args.evalDelay() <= state.epoch()) {
            control.setShouldEvaluate(true);
        }
        if (args.saveStrategy() == SaveStrategy.EPOCH) {
            control.setShouldSave(true);
        }
    }
}
