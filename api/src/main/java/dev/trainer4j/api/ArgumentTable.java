package dev.trainer4j.api;

import com.typesafe.config.Config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * An ordered table of {@link Argument} declarations with unique keys and aliases: what a settings class such as
 * {@link TrainingArguments} iterates to read, check, copy and snapshot its values. Filled by a {@link Registry} while
 * the declaring class initialises, then immutable.
 */
final class ArgumentTable {
    private final List<Argument<?>> arguments;
    private final Map<String, Argument<?>> byKey;

    private ArgumentTable(List<Argument<?>> arguments) {
        this.arguments = List.copyOf(arguments);
        Map<String, Argument<?>> keys = new LinkedHashMap<>();
        for (Argument<?> argument : arguments) {
            claim(keys, argument.key(), argument);
        }
        for (Argument<?> argument : arguments) {
            for (String alias : argument.aliases()) {
                claim(keys, alias.replace('_', '-'), argument);
            }
        }
        this.byKey = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
    }

    private static void claim(Map<String, Argument<?>> keys, String name, Argument<?> argument) {
        Argument<?> previous = keys.putIfAbsent(name, argument);
        if (previous != null) {
            throw new IllegalStateException("'" + name + "' is declared by both " + previous + " and " + argument);
        }
    }

    /** Collects declarations in order; {@link #build()} makes the table. */
    static final class Registry {
        private final List<Argument<?>> declared = new ArrayList<>();

        <T> Argument<T> add(Argument<T> argument) {
            declared.add(requireNonNull(argument, "argument is null"));
            return argument;
        }

        ArgumentTable build() {
            return new ArgumentTable(declared);
        }
    }

    List<Argument<?>> arguments() {
        return arguments;
    }

    /** The argument with this kebab-case key, or a declared alias in kebab-case. */
    Optional<Argument<?>> argument(String keyOrAlias) {
        return Optional.ofNullable(byKey.get(keyOrAlias));
    }

    boolean declares(Argument<?> argument) {
        return byKey.get(argument.key()) == argument;
    }

    /** Reads and checks every argument from a config holding every key (the defaults as fallback). */
    Values read(Config config) {
        Map<Argument<?>, Object> values = new LinkedHashMap<>();
        for (Argument<?> argument : arguments) {
            values.put(argument, argument.read(config));
        }
        return new Values(values);
    }

    /** Checks values given for every argument of the table. */
    Values values(Map<Argument<?>, Object> given) {
        return new Values(given);
    }

    /** One value per argument of the table, each checked on its own and unmodifiable. */
    final class Values {
        private final Map<Argument<?>, Object> values;

        private Values(Map<Argument<?>, Object> given) {
            Map<Argument<?>, Object> checked = new LinkedHashMap<>();
            for (Argument<?> argument : arguments) {
                if (!given.containsKey(argument)) {
                    throw new IllegalArgumentException("no value for " + argument.key());
                }
                checked.put(argument, validate(argument, given.get(argument)));
            }
            if (checked.size() != given.size()) {
                throw new IllegalArgumentException("values for arguments this table does not declare: " + given.keySet());
            }
            this.values = Collections.unmodifiableMap(checked);
        }

        @SuppressWarnings("unchecked")
        private static <T> T validate(Argument<T> argument, Object value) {
            return argument.validate((T) value);
        }

        @SuppressWarnings("unchecked")
        <T> T get(Argument<T> argument) {
            if (!values.containsKey(argument)) {
                throw new IllegalArgumentException(argument.key() + " is not an argument of this table");
            }
            return (T) values.get(argument);
        }

        /** A modifiable copy, for a builder. */
        Map<Argument<?>, Object> toMutableMap() {
            return new LinkedHashMap<>(values);
        }

        /** Every value under its kebab-case key, in declaration order, {@code null}s kept. */
        Map<String, Object> snapshot() {
            Map<String, Object> snapshot = new LinkedHashMap<>();
            for (Map.Entry<Argument<?>, Object> entry : values.entrySet()) {
                snapshot.put(entry.getKey().key(), snapshotOf(entry.getKey(), entry.getValue()));
            }
            return snapshot;
        }

        @SuppressWarnings("unchecked")
        private static <T> Object snapshotOf(Argument<T> argument, Object value) {
            return argument.snapshot((T) value);
        }
    }
}
