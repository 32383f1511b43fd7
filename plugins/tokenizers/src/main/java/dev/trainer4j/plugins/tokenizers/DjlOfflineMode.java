package dev.trainer4j.plugins.tokenizers;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Keeps DJL off the network. DJL reads {@code OPT_OUT_TRACKING} (usage telemetry) and {@code ai.djl.offline}
 * (no downloads of natives or models) from system properties when its classes first use them, so these are set in
 * a static initializer that runs before any DJL class is touched: every path into DJL in this plugin calls
 * {@link #ensure()} first.
 *
 * <p>This is the one place where trainer4j sets JVM-wide system properties, because DJL offers no other switch.
 * Each is set to {@code true} only when absent: a value the application gave is kept (with a warning when it is
 * not {@code true}, since DJL may then go online), and one INFO line names the properties that were set.
 */
final class DjlOfflineMode {
    static final List<String> PROPERTIES = List.of("OPT_OUT_TRACKING", "ai.djl.offline");
    private static final Logger LOG = LoggerFactory.getLogger(DjlOfflineMode.class);

    static {
        apply(System.getProperties());
    }

    private DjlOfflineMode() {
    }

    /** Triggers the static initializer (idempotent). */
    static void ensure() {
        // the work happens in the static initializer
    }

    /** Sets every absent property of {@link #PROPERTIES} to {@code true} in {@code properties}; returns those it set. */
    static List<String> apply(Properties properties) {
        List<String> set = new ArrayList<>();
        for (String name : PROPERTIES) {
            String value = properties.getProperty(name);
            if (value == null) {
                properties.setProperty(name, "true");
                set.add(name);
            }
            else if (!value.trim().equalsIgnoreCase("true")) {
                LOG.warn("system property {} = '{}' was set by the application and is kept: DJL may use the network "
                        + "(telemetry or downloads); set it to true to keep DJL offline", name, value);
            }
        }
        if (!set.isEmpty()) {
            LOG.info("keeping DJL offline: set the system properties {} to true", set);
        }
        return set;
    }
}
