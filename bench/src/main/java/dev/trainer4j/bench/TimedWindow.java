package dev.trainer4j.bench;

/**
 * The timed part of a variant's run, the same for every variant: the clock starts once the warm-up is over (at
 * least the warm-up steps and the warm-up seconds, so the JIT has compiled the loop: C2 compiles compete with
 * TensorFlow's threads for the cores) and stops at the first step end after the timed seconds.
 */
final class TimedWindow {
    private final long warmupSteps;
    private final long warmupNanos;
    private final long minimumNanos;
    private long first;
    private long start;
    private long startCpu;
    private long startSteps;
    private long steps;
    private long nanos;
    private long cpuNanos;

    TimedWindow(VariantOptions options) {
        this.warmupSteps = options.warmupSteps();
        this.warmupNanos = (long) (options.warmupSeconds() * 1e9);
        this.minimumNanos = (long) (options.seconds() * 1e9);
    }

    /** Call at the end of every step with the steps done so far; true once the window is complete. */
    boolean afterStep(long stepsDone) {
        long now = System.nanoTime();
        if (first == 0) {
            first = now;
        }
        if (start == 0) {
            if (stepsDone >= warmupSteps && now - first >= warmupNanos) {
                start = now;
                startCpu = VariantOptions.processCpuNanos();
                startSteps = stepsDone;
            }
            return false;
        }
        if (now - start < minimumNanos) {
            return false;
        }
        steps = stepsDone - startSteps;
        nanos = now - start;
        cpuNanos = VariantOptions.processCpuNanos() - startCpu;
        return true;
    }

    /** The line the runner parses, once {@link #afterStep} returned true. */
    String resultLine(String variant, BenchModel model) {
        if (steps == 0) {
            throw new IllegalStateException(variant + " ended before its timed window closed");
        }
        return VariantOptions.resultLine(variant, model, steps, nanos, cpuNanos);
    }
}
