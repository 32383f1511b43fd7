package dev.trainer4j.api;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * What {@code train()} returns (HF's {@code TrainOutput}).
 *
 * @param globalStep optimizer steps taken
 * @param trainingLoss the mean per-step training loss over the whole run (correct after a resume)
 * @param metrics {@code train_runtime}, {@code train_samples_per_second}, {@code train_steps_per_second},
 *        {@code train_loss}, {@code epoch}
 */
public record TrainOutput(long globalStep, double trainingLoss, Map<String, Double> metrics) {
    public TrainOutput {
        metrics = Map.copyOf(requireNonNull(metrics, "metrics is null"));
    }
}
