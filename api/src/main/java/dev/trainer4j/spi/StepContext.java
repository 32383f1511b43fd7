package dev.trainer4j.spi;

/**
 * Where a micro-batch sits in the run. In-graph randomness (dropout) draws from stateless ops seeded by
 * (seed, globalStep, microStep), so a fresh process resumed at step N draws what the original run drew.
 *
 * @param globalStep the optimizer step being taken, 0-based (equals the number of steps already taken)
 * @param microStep the micro-batch within the accumulation window, 0-based
 * @param microSteps micro-batches in this window (the last window of an epoch may be shorter)
 * @param learningRate the learning rate of this step (from the schedule)
 * @param seed the run's seed
 * @param captureGradients whether the step (the last micro-batch's {@link TrainingEngine#step}) also copies its
 *        gradients to the host for {@link TrainingEngine#lastGradients()}; the loop asks for it only on steps it
 *        logs when a callback needs gradients, so other steps fetch nothing extra
 */
public record StepContext(long globalStep, int microStep, int microSteps, double learningRate, long seed,
                          boolean captureGradients) {
    public StepContext {
        if (microStep < 0 || microStep >= microSteps) {
            throw new IllegalArgumentException("microStep " + microStep + " outside [0, " + microSteps + ")");
        }
    }

    /** A step that does not copy its gradients to the host. */
    public StepContext(long globalStep, int microStep, int microSteps, double learningRate, long seed) {
        this(globalStep, microStep, microSteps, learningRate, seed, false);
    }

    /** Whether this micro-batch ends its window (the engine then updates the weights). */
    public boolean isLastMicroStep() {
        return microStep == microSteps - 1;
    }
}
