package dev.trainer4j.loop;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * {@code save-on-interrupt}: while training runs, a termination request (SIGTERM through {@code sun.misc.Signal}
 * when the JVM has it, and a shutdown hook for everything else: SIGINT, SIGHUP, {@code System.exit}) asks the loop
 * to save a checkpoint at the next step boundary and waits for it, at most {@link #waitLimit()}, before the JVM goes
 * on exiting. The loop polls {@link #requested()} after every step and reports with {@link #finished()}.
 *
 * <p>The loop waits at most {@link #DEFAULT_WAIT_LIMIT}; tests construct savers with other limits.
 */
final class InterruptSaver implements AutoCloseable {
    /** How long a termination waits for the checkpoint of the next step boundary in a training run. */
    public static final Duration DEFAULT_WAIT_LIMIT = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(InterruptSaver.class);
    private static final int SIGTERM_EXIT_STATUS = 128 + 15;

    private final Duration waitLimit;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean requested;
    private volatile String reason;
    private Thread shutdownHook;
    private Object signal;
    private Object previousSignalHandler;

    public InterruptSaver(Duration waitLimit) {
        this.waitLimit = requireNonNull(waitLimit, "waitLimit is null");
        if (waitLimit.isNegative()) {
            throw new IllegalArgumentException("waitLimit: " + waitLimit + " is not allowed; expected a duration >= 0");
        }
    }

    /** Creates a saver that waits at most {@code waitLimit} for the loop's checkpoint and installs its handlers. */
    public static InterruptSaver install(Duration waitLimit) {
        InterruptSaver saver = new InterruptSaver(waitLimit);
        saver.installHandlers();
        return saver;
    }

    public Duration waitLimit() {
        return waitLimit;
    }

    /** True once a termination was requested: the loop should save at this step boundary and stop. */
    public boolean requested() {
        return requested;
    }

    /** What asked for the stop, e.g. {@code SIGTERM}. */
    public String reason() {
        return reason;
    }

    /**
     * Asks the loop to save and waits until it reports {@link #finished()} or the wait limit passes. Returns true
     * when the loop finished in time. Called from signal and shutdown-hook threads (and tests).
     */
    public boolean requestAndAwait(String why) {
        if (!requested) {
            reason = why;
            requested = true;
            LOG.warn("{} received: saving a checkpoint at the next step boundary (waiting at most {} s)", why,
                    waitLimit.toSeconds());
        }
        try {
            boolean inTime = done.await(waitLimit.toMillis(), TimeUnit.MILLISECONDS);
            if (!inTime) {
                LOG.error("{}: no step boundary was reached within {} s; exiting without a final checkpoint", why,
                        waitLimit.toSeconds());
            }
            return inTime;
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The loop saved (or training ended, or the save failed): releases every waiting handler. */
    public void finished() {
        done.countDown();
    }

    private void installHandlers() {
        shutdownHook = new Thread(() -> requestAndAwait("JVM shutdown"), "trainer4j-save-on-interrupt");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        installSigtermHandler();
    }

    /** Replaces the SIGTERM handler through {@code sun.misc.Signal} when this JVM has it; otherwise the hook covers it. */
    private void installSigtermHandler() {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object term = signalClass.getConstructor(String.class).newInstance("TERM");
            Object handler = Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[] {handlerClass},
                    (proxy, method, arguments) -> switch (method.getName()) {
                        case "handle" -> {
                            onSigterm(arguments[0]);
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == arguments[0];
                        default -> "trainer4j save-on-interrupt SIGTERM handler";
                    });
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            previousSignalHandler = handle.invoke(null, term, handler);
            signal = term;
        }
        catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            LOG.debug("sun.misc.Signal is not usable ({}); SIGTERM is covered by the shutdown hook", e.toString());
        }
    }

    private void onSigterm(Object term) {
        requestAndAwait("SIGTERM");
        // then terminate as the JVM would have: the previous handler runs the shutdown hooks and exits with 143
        try {
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object defaultHandler = handlerClass.getField("SIG_DFL").get(null);
            Object ignoreHandler = handlerClass.getField("SIG_IGN").get(null);
            if (previousSignalHandler == ignoreHandler) {
                return;
            }
            if (previousSignalHandler != null && previousSignalHandler != defaultHandler) {
                handlerClass.getMethod("handle", term.getClass()).invoke(previousSignalHandler, term);
                return;
            }
        }
        catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("cannot delegate SIGTERM to the previous handler ({}); exiting", e.toString());
        }
        Runtime.getRuntime().exit(SIGTERM_EXIT_STATUS);
    }

    /** Training ended: releases waiters and restores the previous handlers. */
    @Override
    public void close() {
        finished();
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            }
            catch (IllegalStateException e) {
                // the JVM is already shutting down; the hook returns at once since the latch is open
            }
            shutdownHook = null;
        }
        if (signal != null) {
            try {
                Class<?> signalClass = Class.forName("sun.misc.Signal");
                Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
                signalClass.getMethod("handle", signalClass, handlerClass).invoke(null, signal, previousSignalHandler);
            }
            catch (ReflectiveOperationException | RuntimeException e) {
                LOG.debug("cannot restore the previous SIGTERM handler: {}", e.toString());
            }
            signal = null;
        }
    }
}
