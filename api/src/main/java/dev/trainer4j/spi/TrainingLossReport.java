package dev.trainer4j.spi;

/**
 * The training loss accumulated by the engine since the previous report (kept in the engine, e.g. in the graph,
 * so steps that do not log fetch nothing). Reading it resets the accumulators.
 *
 * @param lossSum the sum over the finite steps since the last report of each step's loss, where a step's loss is
 *        its window's loss sum divided by its window's item count
 * @param steps the number of finite steps that sum covers
 * @param lastGradNorm the global gradient norm (before clipping) of the last step, NaN when no step was taken
 */
public record TrainingLossReport(double lossSum, long steps, double lastGradNorm) {
    /** No finite step since the last report. */
    public static final TrainingLossReport EMPTY = new TrainingLossReport(0, 0, Double.NaN);
}
