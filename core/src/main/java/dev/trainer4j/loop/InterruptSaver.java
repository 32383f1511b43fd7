package dev.trainer4j.loop;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * {@code save-on-interrupt}: while training runs, a termination request (SIGTERM and SIGINT through
 * {@code sun.misc.Signal} when the JVM has it, and a shutdown hook for everything else: SIGHUP, {@code System.exit})
 * asks the loop to save a checkpoint at the next step boundary and waits for it, at most {@link #waitLimit()}. Then
 * the signal goes on to the handler installed before this saver's (an application's handler, or the JVM's, which
 * exits with 143 or 130); {@link #close()} puts the previous handlers back. The loop polls {@link #requested()}
 * after every step and reports with {@link #finished()}.
 *
 * <p>The loop waits at most {@link #DEFAULT_WAIT_LIMIT}; tests construct savers with other limits.
 */
final class InterruptSaver implements AutoCloseable {
    /** How long a termination waits for the checkpoint of the next step boundary in a training run. */
    public static final Duration DEFAULT_WAIT_LIMIT = Duration.ofSeconds(30);
    private static final Logger LOG = LoggerFactory.getLogger(InterruptSaver.class);
    /** A process ended by a signal exits with 128 + the signal's number, as the JVM's own handler does. */
    private static final int SIGNAL_EXIT_BASE = 128;
    private static final List<String> SIGNALS = List.of("TERM", "INT");

    private final Duration waitLimit;
    private final CountDownLatch done = new CountDownLatch(1);
    private volatile boolean requested;
    private volatile String reason;
    private Thread shutdownHook;
    /** Each signal this saver handles, to the handler it replaced. */
    private final Map<Object, Object> previousHandlers = new ConcurrentHashMap<>();

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
        for (String name : SIGNALS) {
            installSignalHandler(name);
        }
    }

    /**
     * Replaces the handler of {@code SIG<name>} through {@code sun.misc.Signal} when this JVM has it (otherwise the
     * shutdown hook covers the signal), keeping the handler it replaces to chain to and to restore.
     */
    private void installSignalHandler(String name) {
        try {
            Class<?> signalClass = Class.forName("sun.misc.Signal");
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object signal = signalClass.getConstructor(String.class).newInstance(name);
            Object handler = Proxy.newProxyInstance(handlerClass.getClassLoader(), new Class<?>[] {handlerClass},
                    (proxy, method, arguments) -> switch (method.getName()) {
                        case "handle" -> {
                            onSignal(arguments[0]);
                            yield null;
                        }
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == arguments[0];
                        default -> "trainer4j save-on-interrupt SIG" + name + " handler";
                    });
            Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
            Object previous = handle.invoke(null, signal, handler);
            previousHandlers.put(signal, previous);
        }
        catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            LOG.debug("sun.misc.Signal cannot handle SIG{} ({}); the shutdown hook covers it", name, e.toString());
        }
    }

    /**
     * Saves at the next step boundary, then hands the signal to the handler installed before this one: the JVM's
     * own exits with 128 + the signal's number (143 for SIGTERM, 130 for SIGINT) after the shutdown hooks, an
     * application's handler decides for itself; an ignored signal stays ignored.
     */
    private void onSignal(Object signal) {
        String name = "SIG" + invoke(signal, "getName");
        // read before waiting: the loop's close() clears the table once it has saved
        Object previous = previousHandlers.get(signal);
        requestAndAwait(name);
        try {
            Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
            Object defaultHandler = handlerClass.getField("SIG_DFL").get(null);
            Object ignoreHandler = handlerClass.getField("SIG_IGN").get(null);
            if (previous == ignoreHandler) {
                return;
            }
            if (previous != null && previous != defaultHandler) {
                handlerClass.getMethod("handle", signal.getClass()).invoke(previous, signal);
                return;
            }
        }
        catch (ReflectiveOperationException | RuntimeException e) {
            LOG.debug("cannot hand {} to the previous handler ({}); exiting", name, e.toString());
        }
        Runtime.getRuntime().exit(SIGNAL_EXIT_BASE + ((Number) invoke(signal, "getNumber")).intValue());
    }

    private static Object invoke(Object target, String method) {
        try {
            return target.getClass().getMethod(method).invoke(target);
        }
        catch (ReflectiveOperationException e) {
            throw new IllegalStateException("sun.misc.Signal." + method + " failed", e);
        }
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
        if (!previousHandlers.isEmpty()) {
            try {
                Class<?> signalClass = Class.forName("sun.misc.Signal");
                Class<?> handlerClass = Class.forName("sun.misc.SignalHandler");
                Method handle = signalClass.getMethod("handle", signalClass, handlerClass);
                for (Map.Entry<Object, Object> entry : previousHandlers.entrySet()) {
                    handle.invoke(null, entry.getKey(), entry.getValue());
                }
            }
            catch (ReflectiveOperationException | RuntimeException e) {
                LOG.debug("cannot restore the previous signal handlers: {}", e.toString());
            }
            previousHandlers.clear();
        }
    }
}
