package dev.trainer4j.runtime;

import dev.trainer4j.config.KnownPlugins;
import dev.trainer4j.config.PluginKind;
import dev.trainer4j.config.Suggestions;
import dev.trainer4j.spi.NamedFactory;
import dev.trainer4j.spi.Plugin;

import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * The factories of every loaded plugin, by kind and name, with the plugin that provided each. Immutable; made by
 * {@link PluginLoader}.
 */
public final class PluginRegistry implements KnownPlugins {
    private final List<Plugin> plugins;
    private final Map<PluginKind, Map<String, RegisteredFactory>> factories;

    PluginRegistry(List<Plugin> plugins, Map<PluginKind, Map<String, RegisteredFactory>> factories) {
        this.plugins = List.copyOf(requireNonNull(plugins, "plugins is null"));
        EnumMap<PluginKind, Map<String, RegisteredFactory>> copy = new EnumMap<>(PluginKind.class);
        for (PluginKind kind : PluginKind.values()) {
            copy.put(kind, Collections.unmodifiableMap(new TreeMap<>(factories.getOrDefault(kind, Map.of()))));
        }
        this.factories = Collections.unmodifiableMap(copy);
    }

    /** The loaded plugins, in load order. */
    public List<Plugin> plugins() {
        return plugins;
    }

    /** The factories of {@code kind} by name, sorted by name. */
    public Map<String, RegisteredFactory> factories(PluginKind kind) {
        return factories.get(requireNonNull(kind, "kind is null"));
    }

    /** The factories of {@code kind} by name, typed as {@code type} (the kind's factory interface). */
    public <F extends NamedFactory<?>> Map<String, F> factories(PluginKind kind, Class<F> type) {
        if (!type.equals(kind.factoryType())) {
            throw new IllegalArgumentException(kind.configName() + " factories are " + kind.factoryType().getName()
                    + ", not " + type.getName());
        }
        Map<String, F> typed = new TreeMap<>();
        factories(kind).forEach((name, registered) -> typed.put(name, type.cast(registered.factory())));
        return Collections.unmodifiableMap(typed);
    }

    public Optional<RegisteredFactory> find(PluginKind kind, String name) {
        return Optional.ofNullable(factories(kind).get(name));
    }

    /** The factory of {@code kind} called {@code name}; an unknown name names the nearest and every available one. */
    public <F extends NamedFactory<?>> F get(PluginKind kind, String name, Class<F> type) {
        RegisteredFactory registered = find(kind, requireNonNull(name, "name is null")).orElseThrow(() ->
                new IllegalArgumentException("unknown " + kind.singular() + " '" + name + "'"
                        + Suggestions.didYouMean(name, names(kind)) + "; available " + kind.configName() + ": " + names(kind)));
        return type.cast(registered.factory());
    }

    /** The factories {@code plugin} contributed, by kind (kinds it has none of are left out). */
    public Map<PluginKind, List<RegisteredFactory>> factoriesOf(Plugin plugin) {
        Map<PluginKind, List<RegisteredFactory>> byKind = new EnumMap<>(PluginKind.class);
        for (PluginKind kind : PluginKind.values()) {
            List<RegisteredFactory> own = factories(kind).values().stream()
                    .filter(registered -> registered.plugin() == plugin)
                    .toList();
            if (!own.isEmpty()) {
                byKind.put(kind, own);
            }
        }
        return byKind;
    }

    @Override
    public Set<String> names(PluginKind kind) {
        return factories(kind).keySet();
    }

    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("PluginRegistry{");
        for (PluginKind kind : PluginKind.values()) {
            if (!names(kind).isEmpty()) {
                text.append(kind.configName()).append('=').append(names(kind)).append(' ');
            }
        }
        return text.toString().trim() + "}";
    }
}
