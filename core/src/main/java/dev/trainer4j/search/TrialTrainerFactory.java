package dev.trainer4j.search;

import dev.trainer4j.api.Trainer;

/**
 * Makes the trainer of one trial (HF's {@code model_init(trial)} and more): its own model, graph and session, with
 * the trial's parameters applied and its output dir set to {@link Trial#outputDirectory()}. The search closes it.
 */
@FunctionalInterface
public interface TrialTrainerFactory {
    Trainer create(Trial trial);
}
