package dev.trainer4j.loop;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * HF's {@code TrainerMemoryTracker} for {@code skip-memory-metrics = false}: the CPU memory of a stage (init, train,
 * eval, test) as {@code <stage>_mem_cpu_alloc_delta} (process RSS at the end minus at the start, in bytes) and
 * {@code <stage>_mem_cpu_peaked_delta} (the highest RSS seen during the stage above the end value, sampled by a
 * daemon thread as HF does), plus trainer4j's {@code <stage>_mem_heap_alloc_delta} (JVM heap in use, after a GC at
 * both ends, as HF collects garbage). Without {@code /proc/self/status} (not Linux) the RSS is the JVM heap in use.
 */
final class MemoryMetrics {
    private static final Path STATUS = Path.of("/proc/self/status");
    private static final long SAMPLE_MILLIS = 5;

    private final long rssAtStart;
    private final long heapAtStart;
    private final Thread sampler;
    private volatile long peakRss;
    private volatile boolean running = true;

    private MemoryMetrics() {
        System.gc();
        this.heapAtStart = heapInUse();
        this.rssAtStart = residentSetSize();
        this.peakRss = rssAtStart;
        this.sampler = new Thread(this::sample, "trainer4j-memory-metrics");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Starts measuring a stage; {@code null} (nothing measured) when {@code skip} is true. */
    static MemoryMetrics startUnless(boolean skip) {
        return skip ? null : new MemoryMetrics();
    }

    /** Ends the stage and returns its metrics keyed {@code <stage>_mem_*}; empty for a {@code null} tracker. */
    static Map<String, Double> stop(MemoryMetrics tracker, String stage) {
        return tracker == null ? Map.of() : tracker.stop(stage);
    }

    private Map<String, Double> stop(String stage) {
        running = false;
        try {
            sampler.join();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.gc();
        long rssAtEnd = residentSetSize();
        long peak = Math.max(peakRss, rssAtEnd);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put(stage + "_mem_cpu_alloc_delta", (double) (rssAtEnd - rssAtStart));
        metrics.put(stage + "_mem_cpu_peaked_delta", (double) Math.max(0, peak - rssAtEnd));
        metrics.put(stage + "_mem_heap_alloc_delta", (double) (heapInUse() - heapAtStart));
        return metrics;
    }

    private void sample() {
        while (running) {
            peakRss = Math.max(peakRss, residentSetSize());
            try {
                Thread.sleep(SAMPLE_MILLIS);
            }
            catch (InterruptedException e) {
                return;
            }
        }
    }

    private static long heapInUse() {
        Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    /** The process's resident set size in bytes ({@code VmRSS}), or the JVM heap in use without /proc. */
    static long residentSetSize() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmRSS:")) {
                    String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                    return Long.parseLong(parts[0]) * 1024;
                }
            }
        }
        catch (IOException | RuntimeException e) {
            // not Linux: fall back below
        }
        return heapInUse();
    }
}
