package dev.trainer4j.loop;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-off between a termination handler thread and the loop; the real signal is in {@link KillResumeTest}. Every
 * wait is bounded (and the class has a timeout), so a regression fails instead of hanging the build.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InterruptSaverTest {
    private static final Duration REQUEST_WAIT = Duration.ofSeconds(20);

    /** Waits, bounded, until the handler thread has made its request. */
    private static void awaitRequest(InterruptSaver saver) throws InterruptedException {
        long deadline = System.nanoTime() + REQUEST_WAIT.toNanos();
        while (!saver.requested()) {
            assertThat(System.nanoTime() - deadline).as("the handler's request did not arrive within " + REQUEST_WAIT)
                    .isNegative();
            Thread.sleep(1);
        }
    }

    @Test
    void aRequestWaitsUntilTheLoopReportsItsSave() throws Exception {
        InterruptSaver saver = new InterruptSaver(Duration.ofSeconds(20));
        assertThat(saver.requested()).isFalse();
        CompletableFuture<Boolean> handler = CompletableFuture.supplyAsync(() -> saver.requestAndAwait("SIGTERM"));
        awaitRequest(saver);
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
        awaitRequest(saver);
        saver.close();
        assertThat(handler.get(20, TimeUnit.SECONDS)).isTrue();
    }
}
