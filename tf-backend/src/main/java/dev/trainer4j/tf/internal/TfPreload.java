package dev.trainer4j.tf.internal;

import dev.trainer4j.spi.StartupTimeline;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.TensorFlow;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Loads TensorFlow's native library and lists the devices of a one-CPU session on a daemon thread, once per process,
 * so that a command overlaps the load (about half a second) with reading its data and training its tokenizer. The
 * first real use waits for the load if it is still under way (JavaCPP's loader is synchronised) and finds the device
 * list remembered ({@link TfDevicePlan#listDevices}). A failure here is only logged at debug: the first real use
 * loads again and reports it.
 */
public final class TfPreload {
    private static final Logger LOG = LoggerFactory.getLogger(TfPreload.class);
    private static final AtomicBoolean STARTED = new AtomicBoolean();

    private TfPreload() {
    }

    /** Starts the load unless it has started before in this process. */
    public static void start() {
        if (!STARTED.compareAndSet(false, true)) {
            return;
        }
        Thread thread = new Thread(TfPreload::load, "trainer4j-tensorflow-preload");
        thread.setDaemon(true);
        thread.start();
    }

    private static void load() {
        try {
            long start = System.nanoTime();
            TensorFlow.version();
            long loaded = System.nanoTime();
            StartupTimeline.process().background("tf native load", loaded - start);
            TfDevicePlan.probeDefaultDevices();
            StartupTimeline.process().background("device probe", System.nanoTime() - loaded);
        }
        catch (RuntimeException | Error e) {
            LOG.debug("preloading TensorFlow failed; its first use loads it again", e);
        }
    }
}
