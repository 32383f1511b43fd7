package dev.trainer4j.spi;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Where a process's start went, from the process's start to the end of its first optimizer step: the start path marks
 * the end of each phase ({@link #mark}), so that the phases partition the critical path, and work moved off it
 * (e.g. loading TensorFlow's natives on a background thread) is recorded beside it ({@link #background}). The
 * training loop ends the timeline after the first step ({@link #finish}) and logs {@link #describe} once; marks after
 * that are ignored, so later trainers in the same process add nothing.
 *
 * <p>Process-wide, since the process's start is; thread-safe.
 */
public final class StartupTimeline {
    private static final StartupTimeline PROCESS = new StartupTimeline(jvmStartNanos());

    private final long startNanos;
    private final Map<String, Long> phases = new LinkedHashMap<>();
    private final Map<String, Long> backgroundPhases = new LinkedHashMap<>();
    private long lastMarkNanos;
    private boolean finished;
    private long finishedNanos;

    /** A timeline that starts at {@code startNanos} ({@link System#nanoTime()} scale). */
    public StartupTimeline(long startNanos) {
        this.startNanos = startNanos;
        this.lastMarkNanos = startNanos;
    }

    /** The timeline of this process, which starts when the process started. */
    public static StartupTimeline process() {
        return PROCESS;
    }

    /**
     * Ends the phase {@code phase} now: the time since the previous mark (or the timeline's start) is added to it. A
     * phase marked twice sums both spans.
     */
    public void mark(String phase) {
        markAt(phase, System.nanoTime());
    }

    /** {@link #mark} at {@code nanos} ({@link System#nanoTime()} scale). */
    public synchronized void markAt(String phase, long nanos) {
        requireNonNull(phase, "phase is null");
        if (finished) {
            return;
        }
        long span = Math.max(0, nanos - lastMarkNanos);
        phases.merge(phase, span, Long::sum);
        lastMarkNanos = Math.max(lastMarkNanos, nanos);
    }

    /** Records {@code nanos} spent on {@code phase} off the critical path (another thread); does not move the marks. */
    public synchronized void background(String phase, long nanos) {
        requireNonNull(phase, "phase is null");
        if (!finished) {
            backgroundPhases.merge(phase, Math.max(0, nanos), Long::sum);
        }
    }

    /**
     * Ends the timeline with the phase {@code lastPhase} (e.g. the first step) and returns its description, or empty
     * when it had ended already.
     */
    public synchronized Optional<String> finish(String lastPhase) {
        if (finished) {
            return Optional.empty();
        }
        markAt(lastPhase, System.nanoTime());
        finished = true;
        finishedNanos = lastMarkNanos;
        return Optional.of(describe());
    }

    /** The timeline's start ({@link System#nanoTime()} scale). */
    public long startNanos() {
        return startNanos;
    }

    /** Whether the timeline has ended. */
    public synchronized boolean finished() {
        return finished;
    }

    /** The critical-path phases in the order first marked, in nanoseconds. */
    public synchronized Map<String, Long> phases() {
        return Map.copyOf(phases);
    }

    /** The phases recorded off the critical path, in nanoseconds. */
    public synchronized Map<String, Long> backgroundPhases() {
        return Map.copyOf(backgroundPhases);
    }

    /**
     * One line: the total, then each phase in seconds, e.g. {@code 3.12 s from process start to the end of the first
     * step: jvm+cli 0.41, config 0.20, ...; off the critical path: tf-native-load 0.90}.
     */
    public synchronized String describe() {
        long end = finished ? finishedNanos : lastMarkNanos;
        List<String> parts = new ArrayList<>();
        phases.forEach((phase, nanos) -> parts.add(phase + " " + seconds(nanos)));
        StringBuilder line = new StringBuilder();
        line.append(seconds(end - startNanos)).append(" s from process start to the end of the first step: ")
                .append(String.join(", ", parts));
        if (!backgroundPhases.isEmpty()) {
            List<String> background = new ArrayList<>();
            backgroundPhases.forEach((phase, nanos) -> background.add(phase + " " + seconds(nanos)));
            line.append("; off the critical path: ").append(String.join(", ", background));
        }
        return line.toString();
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos / 1e9);
    }

    /**
     * The process's start on the {@link System#nanoTime()} scale: with the {@code trainer4j} launcher, which
     * {@code exec}s the JVM, that is when the launcher started. On Linux it is read from {@code /proc} (the process's
     * age to 10 ms: {@code ProcessHandle}'s start instant counts from the boot time in whole seconds, up to a second
     * off); elsewhere it is the JVM's start.
     */
    private static long jvmStartNanos() {
        long nowNanos = System.nanoTime();
        return processAgeNanos().map(age -> nowNanos - age).orElseGet(() -> {
            long ageMillis = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
            return nowNanos - TimeUnit.MILLISECONDS.toNanos(Math.max(0, ageMillis));
        });
    }

    /** The process's age from {@code /proc/uptime} and field 22 of {@code /proc/self/stat} (clock ticks of 10 ms). */
    private static Optional<Long> processAgeNanos() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            // the command name (field 2) may hold spaces: fields are counted after its closing parenthesis
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).trim().split(" ");
            long startTicks = Long.parseLong(fields[22 - 3]);
            String uptime = Files.readString(Path.of("/proc/uptime")).trim().split(" ")[0];
            double ageSeconds = Double.parseDouble(uptime) - startTicks / 100.0;
            return ageSeconds >= 0 ? Optional.of((long) (ageSeconds * 1e9)) : Optional.empty();
        }
        catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }
}
