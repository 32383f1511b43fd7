package dev.trainer4j.bench.djl;

import java.io.IOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * What the DJL peer shares with the TF variants by protocol only (this module has no code of theirs): the
 * {@code --key value} command line, the timed window (at least the warm-up steps and seconds, then a quiet JIT, then
 * at least the timed seconds, as the TF variants' window), and the {@code RESULT key=value ...} line with the process
 * CPU time and the peak RSS ({@code VmHWM}).
 */
final class PeerSupport {
    private PeerSupport() {
    }

    /** {@code --key value} pairs. */
    static Map<String, String> arguments(String[] commandLine) {
        Map<String, String> values = new LinkedHashMap<>();
        for (int i = 0; i < commandLine.length; i += 2) {
            if (!commandLine[i].startsWith("--") || i + 1 >= commandLine.length) {
                throw new IllegalArgumentException("bad option '" + commandLine[i] + "'; expected --key value pairs");
            }
            values.put(commandLine[i].substring(2), commandLine[i + 1]);
        }
        return values;
    }

    static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    static double peakRssMegabytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        }
        catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** Prints {@code RESULT key=value ...} with the peak RSS added. */
    static void printResult(Map<String, Object> fields) {
        StringBuilder line = new StringBuilder("RESULT");
        fields.put("vmhwm_mb", peakRssMegabytes());
        fields.forEach((key, value) -> line.append(' ').append(key).append('=').append(value instanceof Double number
                ? String.format(Locale.ROOT, "%.6g", number) : String.valueOf(value).replace(' ', '_')));
        System.out.println(line);
        System.out.flush();
    }

    /** The timed window over step ends. */
    static final class Window {
        private static final long MAXIMUM_WARMUP_NANOS = 60_000_000_000L;
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
        long steps;
        long nanos;
        long cpuNanos;

        Window(long warmupSteps, double warmupSeconds, double quietSeconds, double seconds) {
            this.warmupSteps = warmupSteps;
            this.warmupNanos = (long) (warmupSeconds * 1e9);
            this.quietNanos = (long) (quietSeconds * 1e9);
            this.minimumNanos = (long) (seconds * 1e9);
        }

        /** Call after every step with the steps done; true once the window is complete. */
        boolean afterStep(long stepsDone) {
            long now = System.nanoTime();
            if (first == 0) {
                first = now;
                quietSince = now;
            }
            if (start == 0) {
                if (stepsDone >= warmupSteps && now - first >= warmupNanos
                        && (quiet(now) || now - first >= MAXIMUM_WARMUP_NANOS)) {
                    start = now;
                    startCpu = processCpuNanos();
                    startSteps = stepsDone;
                }
                return false;
            }
            if (now - start < minimumNanos) {
                return false;
            }
            steps = stepsDone - startSteps;
            nanos = now - start;
            cpuNanos = processCpuNanos() - startCpu;
            return true;
        }

        double warmupSeconds() {
            return (start - first) / 1e9;
        }

        long warmupStepsDone() {
            return startSteps;
        }

        private boolean quiet(long now) {
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
    }
}
