package dev.trainer4j.loop;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The hand-off between a termination handler thread and the loop; the real signal is in {@link KillResumeTest}. */
class InterruptSaverTest {

    @Test
    void aRequestWaitsUntilTheLoopReportsItsSave() throws Exception {
        InterruptSaver saver = new InterruptSaver(Duration.ofSeconds(20));
        assertThat(saver.requested()).isFalse();
        CompletableFuture<Boolean> handler = CompletableFuture.supplyAsync(() -> saver.requestAndAwait("SIGTERM"));
        while (!saver.requested()) {
            Thread.onSpinWait();
        }
        assertThat(saver.reason()).isEqualTo("SIGTERM");
        assertThat(handler).isNotDone();
        saver.finished();
        assertThat(handler.get(20, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void theWaitIsBoundedWhenNoStepBoundaryComes() {
        InterruptSaver saver = new InterruptSaver(Duration.ZERO);
        assertThat(saver.requestAndAwait("JVM shutdown")).isFalse();
        assertThat(saver.requested()).isTrue();
    }

    @Test
    void closingReleasesAWaitingHandler() throws Exception {
        InterruptSaver saver = new InterruptSaver(Duration.ofSeconds(20));
        CompletableFuture<Boolean> handler = CompletableFuture.supplyAsync(() -> saver.requestAndAwait("SIGTERM"));
        while (!saver.requested()) {
            Thread.onSpinWait();
        }
        saver.close();
        assertThat(handler.get(20, TimeUnit.SECONDS)).isTrue();
    }
}
