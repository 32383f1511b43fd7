package dev.trainer4j.api;

import java.util.Map;

/**
 * Hooks into the training loop with HF's full event set, fired in HF's order (see {@code TrainingLoop}). Every
 * method has an empty default; callbacks run in the order they were added and may set {@link TrainerControl}
 * flags. A callback with state that must survive a resume also implements {@link StatefulCallback}.
 *
 * <p>In graph mode the optimizer update runs in the same {@code Session.run} as the last micro-batch's backward
 * pass, so {@code onPreOptimizerStep} and {@code onOptimizerStep} are both fired after that run, in that order.
 */
public interface Callback {

    /**
     * Called once when the callback joins a trainer (its construction or {@link Trainer#addCallback}), before any
     * event: HF hands callbacks the model as event kwargs; a callback that needs the model or its weights keeps the
     * trainer here and uses it from the events on (the trainer may not be fully constructed during this call).
     */
    default void onTrainerAttached(Trainer trainer) {}

    /** At the end of the trainer's construction. */
    default void onInitEnd(TrainingArguments args, TrainerState state, TrainerControl control) {}

    /** When {@code train()} starts, after a resume restored its state. */
    default void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) {}

    /** When {@code train()} ends, also when it was stopped. */
    default void onTrainEnd(TrainingArguments args, TrainerState state, TrainerControl control) {}

    /** At the start of each epoch. */
    default void onEpochBegin(TrainingArguments args, TrainerState state, TrainerControl control) {}

    /** At the end of each epoch. */
    default void onEpochEnd(TrainingArguments args, TrainerState state, TrainerControl control) {}

    /** Before the first micro-batch of each optimizer step. */
    default void onStepBegin(TrainingArguments args, TrainerState state, TrainerControl control) {}

    /** Before the optimizer update (in graph mode: after the run that computed it, see above). */
    default void onPreOptimizerStep(TrainingArguments args, TrainerState state, TrainerControl control) {}

    /** After the optimizer update. */
    default void onOptimizerStep(TrainingArguments args, TrainerState state, TrainerControl control) {}

    /** After each micro-batch of a gradient-accumulation window but the last. */
    default void onSubstepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {}

    /** After each optimizer step; {@code state.globalStep()} counts it. */
    default void onStepEnd(TrainingArguments args, TrainerState state, TrainerControl control) {}

    /** After an evaluation, with its metrics ({@code eval_}-prefixed). */
    default void onEvaluate(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> metrics) {}

    /** After {@code predict()}, with its {@code test_} metrics. */
    default void onPredict(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> metrics) {}

    /** After a checkpoint was written. */
    default void onSave(TrainingArguments args, TrainerState state, TrainerControl control) {}

    /** After a log dict was appended to {@code log_history} (it carries {@code step} and {@code epoch}). */
    default void onLog(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Object> logs) {}

    /** After each evaluation or prediction batch. */
    default void onPredictionStep(TrainingArguments args, TrainerState state, TrainerControl control) {}

    /**
     * Whether this callback reads {@link Trainer#lastGradients()} in {@link #onLog}. When one callback says so, the
     * steps that the logging strategy logs ({@code logging-steps}, {@code logging-first-step}, the last step of an
     * epoch with {@code logging-strategy = epoch}) also copy their gradients to the host; other steps fetch none.
     * Asked before each step that the strategy logs, so the answer may change during a run.
     */
    default boolean needsGradients() {
        return false;
    }
}
