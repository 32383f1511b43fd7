package dev.trainer4j.loop;

import dev.trainer4j.api.LearningRateSchedule;

/**
 * The loop state of one training run that a checkpoint saves and a resume restores besides the
 * {@code TrainerState}: the schedule, the loss accumulators, the last learning rate and the data position.
 */
final class RunProgress {
    LearningRateSchedule schedule;
    LossTracker losses = new LossTracker();
    double lastLearningRate = Double.NaN;
    int dataEpoch;
    long dataBatch;

    RunProgress(LearningRateSchedule schedule) {
        this.schedule = schedule;
    }
}
