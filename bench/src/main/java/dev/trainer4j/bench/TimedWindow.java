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
final class TimedWindow {
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
        this.warmupSteps = options.warmupSteps();
        this.warmupNanos = (long) (options.warmupSeconds() * 1e9);
        this.quietNanos = (long) (options.jitQuietSeconds() * 1e9);
        this.minimumNanos = (long) (options.seconds() * 1e9);
    }

    /** Call at the end of every step with the steps done so far; true once the window is complete. */
    boolean afterStep(long stepsDone) {
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

    /** The line the runner parses, once {@link #afterStep} returned true: the result and the warm-up it took. */
    String resultLine(String variant, BenchModel model) {
        if (steps == 0) {
            throw new IllegalStateException(variant + " ended before its timed window closed");
        }
        return VariantOptions.resultLine(variant, model, steps, nanos, cpuNanos, (start - first) / 1e9, startSteps);
    }
}
