package dev.trainer4j.config;

import java.util.Set;

/** The factory names a run file may use, per kind (the runtime's plugin registry). */
@FunctionalInterface
public interface KnownPlugins {

    /** The registered names of {@code kind}, sorted. */
    Set<String> names(PluginKind kind);
}
