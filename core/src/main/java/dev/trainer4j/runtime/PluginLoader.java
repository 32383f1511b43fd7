package dev.trainer4j.runtime;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.config.PluginKind;
import dev.trainer4j.spi.NamedFactory;
import dev.trainer4j.spi.Plugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.CodeSource;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.regex.Pattern;

import static java.util.Objects.requireNonNull;

/**
 * Finds every {@link Plugin} on a class path (the one {@link ServiceLoader} call of trainer4j) and collects its
 * factories by kind into a {@link PluginRegistry}. Factory names must be kebab-case and unique per kind: a duplicate
 * is an error naming both plugin classes and where each was loaded from.
 */
final class PluginLoader {
    private static final Logger LOG = LoggerFactory.getLogger(PluginLoader.class);
    private static final Pattern KEBAB_CASE = Pattern.compile("^[a-z][a-z0-9]*(-[a-z0-9]+)*$");

    private PluginLoader() {
    }

    /** Loads the plugins visible to the thread's context class loader (or this class's loader when it has none). */
    public static PluginRegistry load() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return load(context != null ? context : PluginLoader.class.getClassLoader());
    }

    /** Loads every plugin registered in {@code META-INF/services/dev.trainer4j.spi.Plugin} of {@code classLoader}. */
    public static PluginRegistry load(ClassLoader classLoader) {
        requireNonNull(classLoader, "classLoader is null");
        List<Plugin> plugins = new ArrayList<>();
        Iterator<Plugin> iterator = ServiceLoader.load(Plugin.class, classLoader).iterator();
        while (true) {
            try {
                if (!iterator.hasNext()) {
                    break;
                }
                plugins.add(iterator.next());
            }
            catch (ServiceConfigurationError e) {
                throw new ConfigurationException("plugins", "cannot load a plugin listed in META-INF/services/" + Plugin.class.getName()
                        + ": " + e.getMessage() + causes(e), e);
            }
        }
        return register(plugins);
    }

    /** {@code "; caused by X: message"} for every cause of {@code error}, so that a failing constructor is named. */
    private static String causes(Throwable error) {
        StringBuilder text = new StringBuilder();
        for (Throwable cause = error.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append("; caused by ").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage());
        }
        return text.toString();
    }

    /**
     * Collects the factories of {@code plugins} (already instantiated, e.g. by an embedding app or a test) with the
     * same checks as {@link #load(ClassLoader)}.
     */
    public static PluginRegistry register(List<? extends Plugin> plugins) {
        requireNonNull(plugins, "plugins is null");
        Map<PluginKind, Map<String, RegisteredFactory>> byKind = new EnumMap<>(PluginKind.class);
        for (Plugin plugin : plugins) {
            requireNonNull(plugin, "plugin is null");
            LOG.debug("Loaded plugin {} ({}) from {}", plugin.name(), plugin.getClass().getName(), location(plugin.getClass()));
            for (PluginKind kind : PluginKind.values()) {
                Map<String, RegisteredFactory> named = byKind.computeIfAbsent(kind, k -> new LinkedHashMap<>());
                List<? extends NamedFactory<?>> factories;
                try {
                    factories = kind.factoriesOf(plugin);
                }
                catch (RuntimeException e) {
                    throw new ConfigurationException("plugins", "plugin " + describe(plugin) + " failed to list its "
                            + kind.configName() + ": " + e, e);
                }
                for (NamedFactory<?> factory : factories) {
                    named.merge(checkedName(kind, plugin, factory), new RegisteredFactory(kind, factory.name(), factory, plugin),
                            (first, second) -> {
                                throw duplicate(kind, first, second);
                            });
                    LOG.debug("Registering {} '{}' from {}", kind.singular(), factory.name(), plugin.name());
                }
            }
        }
        return new PluginRegistry(List.copyOf(plugins), byKind);
    }

    private static String checkedName(PluginKind kind, Plugin plugin, NamedFactory<?> factory) {
        if (factory == null) {
            throw new ConfigurationException("plugins", "plugin " + describe(plugin) + " returned a null " + kind.singular() + " factory");
        }
        if (!kind.factoryType().isInstance(factory)) {
            throw new ConfigurationException("plugins", "plugin " + describe(plugin) + " returned " + factory.getClass().getName()
                    + " as a " + kind.singular() + " factory; expected a " + kind.factoryType().getName());
        }
        String name = factory.name();
        if (name == null || !KEBAB_CASE.matcher(name).matches()) {
            throw new ConfigurationException("plugins", kind.singular() + " factory " + factory.getClass().getName() + " of plugin "
                    + describe(plugin) + " is named " + (name == null ? "null" : "'" + name + "'")
                    + "; expected a kebab-case name such as 'early-stopping' (" + KEBAB_CASE.pattern() + ")");
        }
        return name;
    }

    private static ConfigurationException duplicate(PluginKind kind, RegisteredFactory first, RegisteredFactory second) {
        return new ConfigurationException("plugins", "two " + kind.configName() + " are named '" + first.name() + "': "
                + first.factory().getClass().getName() + " from plugin " + describe(first.plugin()) + " and "
                + second.factory().getClass().getName() + " from plugin " + describe(second.plugin())
                + "; remove one of the two jars from the class path or rename one factory");
    }

    private static String describe(Plugin plugin) {
        return plugin.getClass().getName() + " (" + location(plugin.getClass()) + ")";
    }

    /** Where {@code type} was loaded from: its jar or class folder, or {@code "unknown location"}. */
    static String location(Class<?> type) {
        try {
            CodeSource source = type.getProtectionDomain().getCodeSource();
            return source != null && source.getLocation() != null ? source.getLocation().toString() : "unknown location";
        }
        catch (SecurityException e) {
            return "unknown location";
        }
    }
}
