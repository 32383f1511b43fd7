package dev.trainer4j.loop;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.DataLoader;
import dev.trainer4j.api.LearningRateSchedule;
import dev.trainer4j.spi.TrainingEngine;

import java.util.List;
import java.util.Map;

/**
 * What the loops ask of their {@code Trainer}. The trainer implements it by delegating to its own (overridable)
 * methods, so a subclass that overrides a data loader, the scheduler, {@code prepareBatch}, the checkpoint writer,
 * {@code evaluate} or {@code log} is still called by the loop.
 */
interface TrainerHooks {
    /** The training batches of this run ({@code Trainer.getTrainDataLoader()}). */
    DataLoader trainDataLoader();

    /**
     * Readies the engine for a run of {@code maxSteps} optimizer steps over {@code loader}'s batches (a fresh model
     * with a model factory); an engine compiled here may be told the shapes of the run's first batch.
     */
    TrainingEngine prepareEngineForRun(long maxSteps, DataLoader loader);

    /** The learning-rate schedule of a run ({@code Trainer.createScheduler}). */
    LearningRateSchedule createScheduler(long numTrainingSteps);

    /** {@code Trainer.prepareBatch}. */
    Batch prepareBatch(Batch batch, boolean training);

    /** The trainer's checkpoint writer, created once per trainer ({@code Trainer.createCheckpointWriter()}). */
    CheckpointWriter checkpointWriter();

    /** The batch keys treated as labels for the current model. */
    List<String> labelNames();

    /** Evaluates every eval dataset of the spec through {@code Trainer.evaluate(Dataset, String)}. */
    Map<String, Double> evaluateAll();

    /** {@code Trainer.log}. */
    void log(Map<String, Double> logs);

    /** Examples per training micro-batch over all devices: {@code args.trainBatchSize()} unless auto-find-batch-size lowered it. */
    int trainBatchSize();
}
