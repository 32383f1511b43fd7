package dev.trainer4j.loop;

import dev.trainer4j.spi.TrainingLossReport;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Host-side training-loss accumulators in doubles, fed by every {@code readTrainingLoss()}: the log window, the
 * current epoch and the whole run. The loop reads the engine at log points, epoch ends, save points and the end of
 * training, so a resumed run (which restores these accumulators) reads at the same points as an uninterrupted one.
 */
final class LossTracker {
    private double windowSum;
    private long windowSteps;
    private double epochSum;
    private long epochSteps;
    private double totalSum;
    private long totalSteps;
    private double lastGradNorm = Double.NaN;
    private long globalStepLastLogged;

    /** Adds a report from the engine to every accumulator. */
    public void absorb(TrainingLossReport report) {
        if (report.steps() > 0) {
            windowSum += report.lossSum();
            windowSteps += report.steps();
            epochSum += report.lossSum();
            epochSteps += report.steps();
            totalSum += report.lossSum();
            totalSteps += report.steps();
        }
        if (!Double.isNaN(report.lastGradNorm())) {
            lastGradNorm = report.lastGradNorm();
        }
    }

    /**
     * A step whose loss was not finite, counted as HF does without {@code logging_nan_inf_filter}: the window, epoch
     * and total means become NaN.
     */
    public void addNonFiniteStep() {
        windowSum = Double.NaN;
        windowSteps++;
        epochSum = Double.NaN;
        epochSteps++;
        totalSum = Double.NaN;
        totalSteps++;
    }

    public long windowSteps() {
        return windowSteps;
    }

    /** The mean per-step loss of the log window, then starts a new window at {@code globalStep}. */
    public double takeWindowMean(long globalStep) {
        double mean = windowSteps == 0 ? Double.NaN : windowSum / windowSteps;
        windowSum = 0;
        windowSteps = 0;
        globalStepLastLogged = globalStep;
        return mean;
    }

    public long epochSteps() {
        return epochSteps;
    }

    /** The mean per-step loss of the epoch, then starts a new epoch. */
    public double takeEpochMean() {
        double mean = epochSteps == 0 ? Double.NaN : epochSum / epochSteps;
        epochSum = 0;
        epochSteps = 0;
        return mean;
    }

    /** The mean per-step loss of the whole run (finite steps only). */
    public double totalMean() {
        return totalSteps == 0 ? Double.NaN : totalSum / totalSteps;
    }

    public double lastGradNorm() {
        return lastGradNorm;
    }

    public long globalStepLastLogged() {
        return globalStepLastLogged;
    }

    public Map<String, Object> exportState() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("window_sum", windowSum);
        state.put("window_steps", windowSteps);
        state.put("epoch_sum", epochSum);
        state.put("epoch_steps", epochSteps);
        state.put("total_sum", totalSum);
        state.put("total_steps", totalSteps);
        state.put("last_grad_norm", Double.isNaN(lastGradNorm) ? null : lastGradNorm);
        state.put("global_step_last_logged", globalStepLastLogged);
        return state;
    }

    public static LossTracker fromState(Map<String, Object> state) {
        LossTracker tracker = new LossTracker();
        tracker.windowSum = number(state, "window_sum").doubleValue();
        tracker.windowSteps = number(state, "window_steps").longValue();
        tracker.epochSum = number(state, "epoch_sum").doubleValue();
        tracker.epochSteps = number(state, "epoch_steps").longValue();
        tracker.totalSum = number(state, "total_sum").doubleValue();
        tracker.totalSteps = number(state, "total_steps").longValue();
        Object norm = state.get("last_grad_norm");
        tracker.lastGradNorm = norm == null ? Double.NaN : ((Number) norm).doubleValue();
        tracker.globalStepLastLogged = number(state, "global_step_last_logged").longValue();
        return tracker;
    }

    private static Number number(Map<String, Object> state, String key) {
        Object value = state.get(key);
        if (!(value instanceof Number number)) {
            throw new IllegalArgumentException("loss accumulator '" + key + "' is missing or not a number: " + value);
        }
        return number;
    }
}
