package dev.trainer4j.spi;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class StartupTimelineTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void marksPartitionTheTimeSinceTheStartAndARepeatedPhaseSumsItsSpans() {
        StartupTimeline timeline = new StartupTimeline(100 * SECOND);
        timeline.markAt("config", 100 * SECOND + SECOND / 2);    // 0.5 s after the start
        timeline.markAt("graph build", 102 * SECOND);            // 1.5 s
        timeline.markAt("config", 102 * SECOND + SECOND / 4);    // 0.25 s more
        timeline.background("tf native load", 3 * SECOND / 4);

        assertThat(timeline.phases()).containsOnly(
                org.assertj.core.api.Assertions.entry("config", 3 * SECOND / 4),
                org.assertj.core.api.Assertions.entry("graph build", 3 * SECOND / 2));
        // 0.5 + 1.5 + 0.25 = 2.25 s, printed in the order first marked
        assertThat(timeline.describe()).isEqualTo("2.25 s from process start to the end of the first step: config 0.75,"
                + " graph build 1.50; off the critical path: tf native load 0.75");
    }

    @Test
    void finishEndsTheTimelineOnceAndLaterMarksAreIgnored() {
        StartupTimeline timeline = new StartupTimeline(System.nanoTime());
        timeline.mark("config");

        assertThat(timeline.finish("first step")).isPresent();
        timeline.mark("graph build");
        timeline.background("tf native load", SECOND);

        assertThat(timeline.finished()).isTrue();
        assertThat(timeline.finish("first step")).isEmpty();
        assertThat(timeline.phases()).containsOnlyKeys("config", "first step");
        assertThat(timeline.backgroundPhases()).isEmpty();
    }

    @Test
    void aMarkBeforeTheLatestOneAddsNothingAndKeepsTheLatest() {
        StartupTimeline timeline = new StartupTimeline(0);
        timeline.markAt("a", 2 * SECOND);
        timeline.markAt("b", SECOND);
        timeline.markAt("c", 3 * SECOND);

        assertThat(timeline.phases()).containsOnly(org.assertj.core.api.Assertions.entry("a", 2 * SECOND),
                org.assertj.core.api.Assertions.entry("b", 0L), org.assertj.core.api.Assertions.entry("c", SECOND));
    }

    @Test
    void theProcessTimelineStartsWhenThisProcessStarted() {
        long now = System.nanoTime();
        long jvmAge = java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(
                java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime());
        long processAge = now - StartupTimeline.process().startNanos();

        // the process started with or shortly before the JVM (the test JVM is forked directly, not through a
        // launcher); /proc gives the start to a clock tick of 10 ms
        assertThat(processAge).isBetween(jvmAge - 20_000_000L, jvmAge + 5 * SECOND);
    }
}
