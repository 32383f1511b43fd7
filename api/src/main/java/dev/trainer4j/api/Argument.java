package dev.trainer4j.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

import static java.util.Objects.requireNonNull;

/**
 * The declaration of one training argument: its kebab-case key, how its value is read from config, the checks of the
 * value on its own, Hugging Face's other names for it, and how it is written into the args snapshot. Its default is
 * not here: it is the key's line in {@code reference.conf} ({@code trainer4j.args}). Immutable; every {@code with}
 * style method returns a new declaration. {@link TrainingArguments} declares its arguments with this class and reads,
 * checks, copies and snapshots them through the declarations.
 *
 * @param <T> the type of the value; {@code null} only when {@link #nullable()}
 */
public final class Argument<T> {
    /** The kind of value, for tools that describe arguments or derive sample values. */
    public enum Kind {
        STRING, BOOLEAN, NUMBER, INTEGER, CHOICE, STRING_LIST, OBJECT
    }

    /** A check of a value on its own; throws a {@link ConfigurationException} naming {@code key} when it fails. */
    @FunctionalInterface
    public interface Check<T> {
        /** Throws a {@link ConfigurationException} naming {@code key} when {@code value} is not allowed. */
        void check(String key, T value);
    }

    @FunctionalInterface
    private interface Reader<T> {
        T read(Config config, String key);
    }

    private final String key;
    private final Kind kind;
    private final Reader<T> reader;
    private final UnaryOperator<T> freeze;
    private final Function<T, Object> snapshot;
    private final List<String> choices;
    private final boolean nullable;
    private final List<Check<? super T>> checks;
    private final List<String> aliases;
    private final boolean checkedOnResume;

    private Argument(String key, Kind kind, Reader<T> reader, UnaryOperator<T> freeze, Function<T, Object> snapshot,
                     List<String> choices, boolean nullable, List<Check<? super T>> checks, List<String> aliases,
                     boolean checkedOnResume) {
        this.key = requireNonNull(key, "key is null");
        this.kind = requireNonNull(kind, "kind is null");
        this.reader = requireNonNull(reader, "reader is null");
        this.freeze = requireNonNull(freeze, "freeze is null");
        this.snapshot = requireNonNull(snapshot, "snapshot is null");
        this.choices = List.copyOf(choices);
        this.nullable = nullable;
        this.checks = List.copyOf(checks);
        this.aliases = List.copyOf(aliases);
        this.checkedOnResume = checkedOnResume;
        if (!key.matches("[a-z0-9]+(-[a-z0-9]+)*")) {
            throw new IllegalArgumentException("an argument key is kebab-case, got '" + key + "'");
        }
    }

    private static <T> Argument<T> of(String key, Kind kind, Reader<T> reader) {
        return new Argument<>(key, kind, reader, UnaryOperator.identity(), value -> value, List.of(), false, List.of(),
                List.of(), false);
    }

    /** A string. */
    public static Argument<String> string(String key) {
        return of(key, Kind.STRING, (config, path) -> {
            try {
                return config.getString(path);
            }
            catch (ConfigException.WrongType | ConfigException.Null e) {
                throw new ConfigurationException(path, rendered(config, path), "a string");
            }
        });
    }

    /** {@code true} or {@code false}. */
    public static Argument<Boolean> bool(String key) {
        return of(key, Kind.BOOLEAN, (config, path) -> {
            try {
                return config.getBoolean(path);
            }
            catch (ConfigException.WrongType | ConfigException.Null e) {
                throw new ConfigurationException(path, rendered(config, path), "true or false");
            }
        });
    }

    /** A number, read as a {@code double}. */
    public static Argument<Double> number(String key) {
        return of(key, Kind.NUMBER, (config, path) -> {
            try {
                return config.getDouble(path);
            }
            catch (ConfigException.WrongType | ConfigException.Null e) {
                throw new ConfigurationException(path, rendered(config, path), "a number");
            }
        });
    }

    /** An integer that fits an {@code int}. */
    public static Argument<Integer> integer(String key) {
        return of(key, Kind.INTEGER, (config, path) -> {
            try {
                return ConfigIntegers.readInt(config, path);
            }
            catch (ConfigException.WrongType | ConfigException.Null e) {
                throw new ConfigurationException(path, rendered(config, path), "an integer");
            }
        });
    }

    /** An integer, read as a {@code long}. */
    public static Argument<Long> longInteger(String key) {
        return of(key, Kind.INTEGER, (config, path) -> {
            try {
                return ConfigIntegers.readLong(config, path);
            }
            catch (ConfigException.WrongType | ConfigException.Null e) {
                throw new ConfigurationException(path, rendered(config, path), "an integer");
            }
        });
    }

    /**
     * A string, also written as a number ({@code 2}) or as a list of strings ({@code ["a", "b"]}, held as
     * {@code "a,b"}): for settings such as {@code devices} that take a count, a word or a list of names.
     */
    public static Argument<String> stringOrList(String key) {
        return of(key, Kind.STRING, (config, path) -> {
            try {
                if (config.getValue(path).valueType() == ConfigValueType.LIST) {
                    return String.join(",", config.getStringList(path));
                }
                return config.getString(path);
            }
            catch (ConfigException.WrongType | ConfigException.Null e) {
                throw new ConfigurationException(path, rendered(config, path), "a string, a number or a list of strings");
            }
        });
    }

    /** A list of strings, held unmodifiable. */
    public static Argument<List<String>> stringList(String key) {
        Reader<List<String>> reader = (config, path) -> {
            try {
                return config.getStringList(path);
            }
            catch (ConfigException.WrongType | ConfigException.Null e) {
                throw new ConfigurationException(path, rendered(config, path), "a list of strings");
            }
        };
        return new Argument<>(key, Kind.STRING_LIST, reader, List::copyOf, value -> value, List.of(), false, List.of(),
                List.of(), false);
    }

    /** A config object such as {@code { num-cycles = 1 }}, held as an unmodifiable map; {@code null} reads as empty. */
    public static Argument<Map<String, Object>> object(String key) {
        Reader<Map<String, Object>> reader = (config, path) -> {
            if (config.getIsNull(path)) {
                return Map.of();
            }
            if (config.getValue(path).valueType() != ConfigValueType.OBJECT) {
                throw new ConfigurationException(path, rendered(config, path), "an object such as { num-cycles = 1 }");
            }
            return config.getConfig(path).root().unwrapped();
        };
        return new Argument<>(key, Kind.OBJECT, reader, Map::copyOf, value -> value, List.of(), false, List.of(),
                List.of(), false);
    }

    /**
     * A config object, or the path of a HOCON or JSON file holding one (read when the argument is read, relative to
     * the working directory), held as an unmodifiable map; {@code null} reads as empty. The snapshot holds the
     * object itself, so a checkpoint does not depend on the file.
     */
    public static Argument<Map<String, Object>> objectOrFile(String key) {
        Reader<Map<String, Object>> reader = (config, path) -> {
            if (config.getIsNull(path)) {
                return Map.of();
            }
            ConfigValueType type = config.getValue(path).valueType();
            if (type == ConfigValueType.STRING) {
                java.nio.file.Path file = java.nio.file.Path.of(config.getString(path));
                if (!java.nio.file.Files.isRegularFile(file)) {
                    throw new ConfigurationException(path, file.toAbsolutePath().toString(),
                            "an object, or the path of a HOCON or JSON file holding one (no such file)");
                }
                try {
                    return com.typesafe.config.ConfigFactory.parseFile(file.toFile()).root().unwrapped();
                }
                catch (ConfigException e) {
                    throw new ConfigurationException(path, path + ": the file " + file + " cannot be read: "
                            + e.getMessage(), e);
                }
            }
            if (type != ConfigValueType.OBJECT) {
                throw new ConfigurationException(path, rendered(config, path),
                        "an object such as { num-beams = 4 }, or the path of a HOCON or JSON file holding one");
            }
            return config.getConfig(path).root().unwrapped();
        };
        return new Argument<>(key, Kind.OBJECT, reader, Map::copyOf, value -> value, List.of(), false, List.of(),
                List.of(), false);
    }

    /**
     * One of a fixed set of names, such as an enum's constants.
     *
     * @param parse reads a written name, throwing a {@link ConfigurationException} naming the key for an unknown one
     * @param name the canonical spelling of a value: what the snapshot holds
     * @param values every value, in the order {@link #choices()} lists them
     */
    @SafeVarargs
    public static <E> Argument<E> choice(String key, BiFunction<String, String, E> parse, Function<E, String> name, E... values) {
        requireNonNull(parse, "parse is null");
        requireNonNull(name, "name is null");
        Reader<E> reader = (config, path) -> {
            try {
                return parse.apply(path, config.getString(path));
            }
            catch (ConfigException.WrongType | ConfigException.Null e) {
                throw new ConfigurationException(path, rendered(config, path), "a string");
            }
        };
        return new Argument<>(key, Kind.CHOICE, reader, UnaryOperator.identity(), name::apply,
                Arrays.stream(values).map(name).toList(), false, List.of(), List.of(), false);
    }

    /** The same declaration, with {@code null} allowed: the setting is unset (its getter says what that means). */
    public Argument<T> orNull() {
        return new Argument<>(key, kind, reader, freeze, snapshot, choices, true, checks, aliases, checkedOnResume);
    }

    /** Adds a check of a non-null value: when {@code valid} is false, the error reads "expected {@code expected}". */
    public Argument<T> check(Predicate<? super T> valid, String expected) {
        requireNonNull(valid, "valid is null");
        requireNonNull(expected, "expected is null");
        return check((path, value) -> {
            if (!valid.test(value)) {
                throw new ConfigurationException(path, value, expected);
            }
        });
    }

    /** Adds a check of a non-null value; checks run in the order they were added. */
    public Argument<T> check(Check<? super T> check) {
        List<Check<? super T>> more = new ArrayList<>(checks);
        more.add(requireNonNull(check, "check is null"));
        return new Argument<>(key, kind, reader, freeze, snapshot, choices, nullable, more, aliases, checkedOnResume);
    }

    /**
     * Adds Hugging Face names (snake_case) that differ from this key beyond spelling, e.g. {@code evaluation_strategy}
     * for {@code eval-strategy}. Every snake_case spelling of the key itself is accepted without being listed here.
     */
    public Argument<T> alias(String... hfNames) {
        List<String> more = new ArrayList<>(aliases);
        more.addAll(List.of(hfNames));
        return new Argument<>(key, kind, reader, freeze, snapshot, choices, nullable, checks, more, checkedOnResume);
    }

    /** Marks an argument that decides the data order or the updates: resuming with another value warns. */
    public Argument<T> checkedOnResume() {
        return new Argument<>(key, kind, reader, freeze, snapshot, choices, nullable, checks, aliases, true);
    }

    /** The kebab-case key under {@code trainer4j.args}. */
    public String key() {
        return key;
    }

    public Kind kind() {
        return kind;
    }

    /** For a {@link Kind#CHOICE}: the canonical name of every value; otherwise empty. */
    public List<String> choices() {
        return choices;
    }

    /** Whether {@code null} (unset) is a valid value. */
    public boolean nullable() {
        return nullable;
    }

    /** Hugging Face's other names of this argument (snake_case), besides the snake_case spelling of the key. */
    public List<String> aliases() {
        return aliases;
    }

    /** Whether resuming a checkpoint written with another value of this argument warns. */
    public boolean isCheckedOnResume() {
        return checkedOnResume;
    }

    /** Reads this argument from a config that has its key (with a value or {@code null}), unchecked. */
    public T read(Config config) {
        requireNonNull(config, "config is null");
        if (!config.hasPathOrNull(key)) {
            throw new ConfigurationException(key, key + ": missing; every argument has a default in reference.conf");
        }
        if (nullable && config.getIsNull(key)) {
            return null;
        }
        return reader.read(config, key);
    }

    /** Checks a value: {@code null} only when nullable, then every check. Returns the value, made unmodifiable. */
    public T validate(T value) {
        if (value == null) {
            if (nullable) {
                return null;
            }
            throw new NullPointerException(key + " is null");
        }
        for (Check<? super T> check : checks) {
            check.check(key, value);
        }
        return freeze.apply(value);
    }

    /** The value as the args snapshot holds it: plain strings, numbers, booleans, lists and maps ({@code null} kept). */
    public Object snapshot(T value) {
        return value == null ? null : snapshot.apply(value);
    }

    @Override
    public String toString() {
        return key;
    }

    private static Object rendered(Config config, String path) {
        return config.hasPathOrNull(path) && !config.getIsNull(path) ? config.getValue(path).unwrapped() : "null";
    }
}
