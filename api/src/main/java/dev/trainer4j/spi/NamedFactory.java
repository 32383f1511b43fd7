package dev.trainer4j.spi;

import com.typesafe.config.Config;

/**
 * A factory found through a {@link Plugin}, selected by its kebab-case {@link #name()} in a run file. Its settings
 * have their defaults in the plugin's {@code reference.conf} under {@code trainer4j.plugins.<kind>.<name>}; the
 * runtime merges the run's block over them before calling {@code create}.
 *
 * @param <T> what the factory makes
 */
public interface NamedFactory<T> {

    /** The unique kebab-case name, e.g. {@code accuracy}. */
    String name();

    /** One line for {@code trainer4j plugins}. */
    default String description() {
        return "";
    }

    /** Makes a product from its settings (defaults already merged in); errors name the bad key. */
    T create(Config settings, PluginContext context);
}
