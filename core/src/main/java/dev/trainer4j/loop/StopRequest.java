package dev.trainer4j.loop;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request to stop the current (or next) training run: {@code Trainer.stop()} from any thread, or an interrupt of
 * the training thread. The loop asks {@link #isRequested()} at step boundaries and before every checkpoint save;
 * that moves a pending interrupt of the training thread into this request (clearing the thread's flag, so file
 * channels of checkpoint writes and callbacks are not closed by it). {@link #endRun()} clears the request and sets
 * the interrupt flag again when an interrupt was taken, so the caller of {@code train()} still sees it.
 */
final class StopRequest {
    private final AtomicBoolean requested = new AtomicBoolean();
    /** Touched only by the training thread. */
    private boolean interruptTaken;

    /** Touched only by the training thread: {@code max-time} ran out. */
    private boolean maxTimeReached;

    /** {@code Trainer.stop()}: any thread. */
    void request() {
        requested.set(true);
    }

    /** On the training thread: the {@code max-time} budget is used up. */
    void requestForMaxTime() {
        maxTimeReached = true;
        requested.set(true);
    }

    /** On the training thread: takes a pending interrupt of this thread into the request and clears its flag. */
    void takeInterrupt() {
        if (Thread.interrupted()) {
            interruptTaken = true;
        }
    }

    /** On the training thread: whether a stop was requested (by {@code stop()} or an interrupt) in this run. */
    boolean isRequested() {
        takeInterrupt();
        return interruptTaken || requested.get();
    }

    /** What asked for the stop, for the log. */
    String cause() {
        return interruptTaken ? "an interrupt of the training thread"
                : maxTimeReached ? "max-time used up" : "Trainer.stop()";
    }

    /** At the end of a run, however it ended: clears the request and restores a taken interrupt on this thread. */
    void endRun() {
        requested.set(false);
        maxTimeReached = false;
        if (interruptTaken) {
            interruptTaken = false;
            Thread.currentThread().interrupt();
        }
    }
}
