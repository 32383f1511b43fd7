package dev.trainer4j.config;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/**
 * What {@code {timestamp}} in {@code output-dir} expands to: the start time {@code yyyyMMdd-HHmmss-SSS} and the
 * process id, e.g. {@code 20261207-054435-123-4711}. No two runs get the same stamp: two processes differ in their
 * ids, and within a process a run in the same millisecond as the one before takes the next millisecond. Stamps sort
 * by start time as text.
 */
final class RunStamps {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");
    /** The last millisecond handed out in this process. */
    private static final AtomicLong LAST_MILLIS = new AtomicLong();

    private RunStamps() {
    }

    static String next(Clock clock) {
        requireNonNull(clock, "clock is null");
        long now = clock.millis();
        long millis = LAST_MILLIS.accumulateAndGet(now, (last, current) -> Math.max(last + 1, current));
        ZoneId zone = clock.getZone();
        return FORMAT.format(Instant.ofEpochMilli(millis).atZone(zone)) + "-" + ProcessHandle.current().pid();
    }
}
