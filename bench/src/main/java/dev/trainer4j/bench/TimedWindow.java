package dev.trainer4j.bench;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;

/**
 * The timed part of a variant's run, the same for every variant. The clock starts once the warm-up is over: at least
 * the warm-up steps and the warm-up seconds, and then the first step end after which the JIT compiled nothing for
 * {@code jit-quiet-seconds} (at most {@link #MAXIMUM_WARMUP_NANOS} in all). A method called once per step reaches
 * C2's thresholds only after several thousand steps, so a fixed 2 s warm-up timed the loop partly as tier-3 profiling
 * code while C2 compiled it on the same two cores as TensorFlow's threads. The clock stops at the first step end after
 * the timed seconds.
 */
public final class TimedWindow {
    /** The warm-up stops waiting for a quiet JIT after this long (the RESULT line then shows a 60 s warm-up). */
    private static final long MAXIMUM_WARMUP_NANOS = 60_000_000_000L;
    /** How often the warm-up reads the JIT's total compilation time. */
    private static final long PROBE_NANOS = 100_000_000L;

    private final long warmupSteps;
    private final long warmupNanos;
    private final long quietNanos;
    private final long minimumNanos;
    private final CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
    private long first;
    private long lastProbe;
    private long lastCompileMillis = -1;
    private long quietSince;
    private long start;
    private long startCpu;
    private long startSteps;
    private long steps;
    private long nanos;
    private long cpuNanos;

    TimedWindow(VariantOptions options) {
        this(options.warmupSteps(), options.warmupSeconds(), options.jitQuietSeconds(), options.seconds());
    }

    /** A window after at least {@code warmupSteps} and {@code warmupSeconds} and a quiet JIT, at least {@code seconds} long. */
    public TimedWindow(long warmupSteps, double warmupSeconds, double jitQuietSeconds, double seconds) {
        this.warmupSteps = warmupSteps;
        this.warmupNanos = (long) (warmupSeconds * 1e9);
        this.quietNanos = (long) (jitQuietSeconds * 1e9);
        this.minimumNanos = (long) (seconds * 1e9);
    }

    /** Call at the end of every step with the steps done so far; true once the window is complete. */
    public boolean afterStep(long stepsDone) {
        long now = System.nanoTime();
        if (first == 0) {
            first = now;
            quietSince = now;
        }
        if (start == 0) {
            if (stepsDone >= warmupSteps && now - first >= warmupNanos
                    && (jitQuiet(now) || now - first >= MAXIMUM_WARMUP_NANOS)) {
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

    /** Whether the JIT compiled nothing during the last quiet period (read at most every {@link #PROBE_NANOS}). */
    private boolean jitQuiet(long now) {
        if (quietNanos <= 0 || !compiler.isCompilationTimeMonitoringSupported()) {
            return true;
        }
        if (now - lastProbe >= PROBE_NANOS) {
            lastProbe = now;
            long compileMillis = compiler.getTotalCompilationTime();
            if (compileMillis != lastCompileMillis) {
                lastCompileMillis = compileMillis;
                quietSince = now;
            }
        }
        return now - quietSince >= quietNanos;
    }

    /** Timed steps, once {@link #afterStep} returned true. */
    public long timedSteps() {
        return steps;
    }

    /** The timed window's wall-clock seconds. */
    public double timedSeconds() {
        return nanos / 1e9;
    }

    /** The process CPU seconds (every thread) in the timed window. */
    public double timedCpuSeconds() {
        return cpuNanos / 1e9;
    }

    /** The warm-up's seconds, from the first step's end to the window's start. */
    public double warmupSeconds() {
        return (start - first) / 1e9;
    }

    /** The steps done before the window started. */
    public long warmupStepsDone() {
        return startSteps;
    }

    /** The line the runner parses, once {@link #afterStep} returned true: the result and the warm-up it took. */
    String resultLine(String variant, BenchModel model) {
        if (steps == 0) {
            throw new IllegalStateException(variant + " ended before its timed window closed");
        }
        return VariantOptions.resultLine(variant, model, steps, nanos, cpuNanos, (start - first) / 1e9, startSteps);
    }
}
