package dev.trainer4j.plugins.tokenizers;

/**
 * Keeps DJL off the network. DJL reads {@code OPT_OUT_TRACKING} (usage telemetry) and {@code ai.djl.offline}
 * (no downloads of natives or models) from system properties when its classes first use them, so these are set in
 * a static initializer that runs before any DJL class is touched: every path into DJL in this plugin calls
 * {@link #ensure()} first.
 */
final class DjlOfflineMode {

    static {
        System.setProperty("OPT_OUT_TRACKING", "true");
        System.setProperty("ai.djl.offline", "true");
    }

    private DjlOfflineMode() {
    }

    /** Triggers the static initializer (idempotent). */
    static void ensure() {
        // the work happens in the static initializer
    }
}
