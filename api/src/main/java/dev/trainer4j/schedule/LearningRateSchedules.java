package dev.trainer4j.schedule;

import dev.trainer4j.api.LearningRateSchedule;
import dev.trainer4j.api.TrainingArguments;

/**
 * Makes the learning-rate schedule named by {@code lr-scheduler-type}, with HF's formulas
 * ({@code get_scheduler}): a multiplier on {@code learning-rate}, stepped once per optimizer update.
 */
public final class LearningRateSchedules {
    private LearningRateSchedules() {
    }

    /** The schedule for a run of {@code totalSteps} optimizer steps. */
    public static LearningRateSchedule create(TrainingArguments args, long totalSteps) {
        double base = args.learningRate();
        long warmup = args.warmupSteps(totalSteps);
        return switch (args.lrSchedulerType()) {
            case CONSTANT -> step -> base;
            case LINEAR -> step -> step < warmup
                    ? base * step / Math.max(1.0, warmup)
                    : base * Math.max(0.0, (double) (totalSteps - step) / Math.max(1.0, totalSteps - warmup));
            default -> throw new UnsupportedOperationException("lr-scheduler-type " + args.lrSchedulerType().configName()
                    + " is not built yet");
        };
    }
}
