package dev.trainer4j.api;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * Checks that a settings class maps every key of its reference block to the right getter. For each key it builds
 * the settings from a config that changes that key alone to a valid non-default value (derived from the key's type)
 * and expects the value to reach the getter named after the key ({@code kebab-case} → {@code camelCase}) while every
 * other getter keeps its value; and it builds the settings from the defaults alone and expects every getter to
 * return the reference value (so no getter carries a default of its own). It returns the problems it finds rather
 * than failing, so that a test can show it catches a planted mistake.
 *
 * @param reference the reference block: every key with its default
 * @param factory builds the settings from a config of overrides (falling back to the reference)
 * @param type the settings class, whose public zero-argument methods are the getters
 * @param declarations the declaration of a key, for the kind and choices of its values
 * @param getterNames getters not named after their key by the convention (key → method name)
 * @param companions settings a key needs to be valid when it changes (key → other keys and values)
 * @param derived keys whose getter resolves an unset value from other keys (key → the keys it reads); their default
 *                is not compared with the reference, and changing a key they read may change them
 * @param samples valid non-default values of keys whose kind gives none (e.g. a list of fixed names), tried first
 */
record ArgumentMappingChecker<A>(Config reference, Function<Config, A> factory, Class<A> type,
                                 Function<String, Optional<Argument<?>>> declarations, Map<String, String> getterNames,
                                 Map<String, Map<String, Object>> companions, Map<String, Set<String>> derived,
                                 Map<String, Object> samples) {
    ArgumentMappingChecker {
        requireNonNull(reference, "reference is null");
        requireNonNull(factory, "factory is null");
        requireNonNull(type, "type is null");
        requireNonNull(declarations, "declarations is null");
        getterNames = Map.copyOf(getterNames);
        companions = Map.copyOf(companions);
        derived = Map.copyOf(derived);
        samples = Map.copyOf(samples);
    }

    /** A checker with no exceptions to the naming convention, no companions and no derived keys. */
    static <A> ArgumentMappingChecker<A> of(Config reference, Function<Config, A> factory, Class<A> type,
                                            Function<String, Optional<Argument<?>>> declarations) {
        return new ArgumentMappingChecker<>(reference, factory, type, declarations, Map.of(), Map.of(), Map.of(), Map.of());
    }

    ArgumentMappingChecker<A> withCompanions(Map<String, Map<String, Object>> more) {
        return new ArgumentMappingChecker<>(reference, factory, type, declarations, getterNames, more, derived, samples);
    }

    ArgumentMappingChecker<A> withDerived(Map<String, Set<String>> more) {
        return new ArgumentMappingChecker<>(reference, factory, type, declarations, getterNames, companions, more, samples);
    }

    ArgumentMappingChecker<A> withGetterNames(Map<String, String> more) {
        return new ArgumentMappingChecker<>(reference, factory, type, declarations, more, companions, derived, samples);
    }

    ArgumentMappingChecker<A> withSamples(Map<String, Object> more) {
        return new ArgumentMappingChecker<>(reference, factory, type, declarations, getterNames, companions, derived, more);
    }

    /** Every problem found, one sentence each naming the key and the getter; empty when the mapping is right. */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        Set<String> keys = new TreeSet<>(reference.root().keySet());
        Map<String, Method> getters = new java.util.LinkedHashMap<>();
        for (String key : keys) {
            String name = getterNames.getOrDefault(key, camelCase(key));
            try {
                getters.put(key, type.getMethod(name));
            }
            catch (NoSuchMethodException e) {
                problems.add(key + ": no getter " + name + "() in " + type.getSimpleName());
            }
        }
        if (!problems.isEmpty()) {
            return problems;
        }
        checkDefaults(keys, getters, problems);
        for (String key : keys) {
            checkOneKey(key, keys, getters, problems);
        }
        return problems;
    }

    private void checkDefaults(Set<String> keys, Map<String, Method> getters, List<String> problems) {
        A defaults = factory.apply(ConfigFactory.empty());
        for (String key : keys) {
            if (derived.containsKey(key)) {
                continue;
            }
            Object actual = call(getters.get(key), defaults);
            ConfigValue expected = reference.root().get(key);
            if (!matches(key, actual, expected)) {
                problems.add(key + ": with the defaults alone " + getters.get(key).getName() + "() returns "
                        + actual + " but the reference default is " + expected.render());
            }
        }
    }

    private void checkOneKey(String key, Set<String> keys, Map<String, Method> getters, List<String> problems) {
        Config baselineConfig = ConfigFactory.parseMap(companions.getOrDefault(key, Map.of()));
        A baseline;
        try {
            baseline = factory.apply(baselineConfig);
        }
        catch (ConfigurationException e) {
            problems.add(key + ": its companion settings " + companions.get(key) + " are invalid: " + e.getMessage());
            return;
        }
        List<Object> tried = new ArrayList<>();
        for (Object candidate : candidates(key)) {
            ConfigValue value = ConfigValueFactory.fromAnyRef(candidate);
            A changed;
            try {
                changed = factory.apply(baselineConfig.withValue(key, value));
            }
            catch (ConfigurationException e) {
                tried.add(candidate);
                continue;
            }
            Method getter = getters.get(key);
            Object actual = call(getter, changed);
            if (!matches(key, actual, value)) {
                problems.add(key + " = " + value.render() + " did not reach " + getter.getName() + "(): it returns " + actual);
            }
            for (String other : keys) {
                if (other.equals(key) || baselineConfig.hasPath(other)
                        || derived.getOrDefault(other, Set.of()).contains(key)) {
                    continue;
                }
                Method otherGetter = getters.get(other);
                Object before = call(otherGetter, baseline);
                Object after = call(otherGetter, changed);
                if (!sameValue(before, after)) {
                    problems.add(key + " = " + value.render() + " changed " + otherGetter.getName() + "() from "
                            + before + " to " + after);
                }
            }
            return;
        }
        problems.add(key + ": no valid non-default value found (tried " + tried + "); add companion settings for it");
    }

    /** Valid-looking values different from the default, derived from the default's type or the declared kind. */
    private List<Object> candidates(String key) {
        ConfigValue reference = this.reference.root().get(key);
        Optional<Argument<?>> declaration = declarations.apply(key);
        Argument.Kind kind = declaration.map(Argument::kind).orElse(null);
        Object value = reference.unwrapped();
        if (samples.containsKey(key)) {
            return List.of(samples.get(key));
        }
        if (kind == Argument.Kind.CHOICE) {
            return declaration.get().choices().stream().filter(choice -> !choice.equalsIgnoreCase(String.valueOf(value)))
                    .map(Object.class::cast).toList();
        }
        if (reference.valueType() == ConfigValueType.NULL) {
            if (kind == null) {
                return List.of();
            }
            return switch (kind) {
                case NUMBER -> List.of(0.25, 2.0);
                case INTEGER -> List.of(2, 3);
                case BOOLEAN -> List.of(true, false);
                case STRING -> List.of("sample-" + key, "1h");  // "1h": a duration, for max-time
                case STRING_LIST -> List.of(List.of("sample"));
                case OBJECT -> List.of(Map.of("power", 2), Map.of("num-beams", 2));
                case CHOICE -> List.of();
            };
        }
        return switch (reference.valueType()) {
            case BOOLEAN -> List.of(!(Boolean) value);
            case NUMBER -> numbers((Number) value, kind);
            case STRING -> List.of(value + "-changed");
            case LIST -> List.of(List.of("sample"));
            case OBJECT -> List.of(Map.of("power", 2), Map.of("num-beams", 2)); // the second: a generation-config
            case NULL -> List.of();
        };
    }

    /** Integers first when the default is one; fractions too unless the declaration says integer. */
    private static List<Object> numbers(Number value, Argument.Kind kind) {
        List<Object> numbers = new ArrayList<>();
        boolean integral = value instanceof Integer || value instanceof Long;
        if (integral) {
            long integer = value.longValue();
            for (long candidate : new long[] {integer + 1, integer * 2, 1, 2}) {
                if (candidate != integer && !numbers.contains(candidate)) {
                    numbers.add(candidate);
                }
            }
        }
        if (!integral || kind != Argument.Kind.INTEGER) {
            double number = value.doubleValue();
            for (double candidate : new double[] {number / 2, number + 1, 0.5, 0.25, 2}) {
                if (candidate != number && !numbers.contains(candidate)) {
                    numbers.add(candidate);
                }
            }
        }
        return numbers;
    }

    /** Whether a getter's value is the config value: optionals unwrapped, enums parsed by their own {@code parse}. */
    private static boolean matches(String key, Object actual, ConfigValue expected) {
        Object got = unwrapped(actual);
        Object want = expected.unwrapped();
        if (want == null || got == null) {
            return want == got;
        }
        if (got instanceof String text && want instanceof Number number) {
            // a string setting written as a number, such as devices = 2
            return text.equals(String.valueOf(number));
        }
        if (got instanceof Enum<?> constant && want instanceof String name) {
            try {
                return constant.getDeclaringClass().getMethod("parse", String.class, String.class).invoke(null, key, name) == constant;
            }
            catch (ReflectiveOperationException e) {
                return false;
            }
        }
        return sameValue(got, want);
    }

    private static boolean sameValue(Object first, Object second) {
        Object a = unwrapped(first);
        Object b = unwrapped(second);
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue()) == 0;
        }
        return Objects.equals(a, b);
    }

    private static Object unwrapped(Object value) {
        if (value instanceof Optional<?> optional) {
            return optional.orElse(null);
        }
        if (value instanceof OptionalInt optional) {
            return optional.isPresent() ? optional.getAsInt() : null;
        }
        if (value instanceof OptionalLong optional) {
            return optional.isPresent() ? optional.getAsLong() : null;
        }
        if (value instanceof OptionalDouble optional) {
            return optional.isPresent() ? optional.getAsDouble() : null;
        }
        return value;
    }

    private Object call(Method getter, A settings) {
        try {
            return getter.invoke(settings);
        }
        catch (IllegalAccessException e) {
            throw new IllegalStateException(getter + " is not accessible", e);
        }
        catch (InvocationTargetException e) {
            throw new IllegalStateException(getter + " failed", e.getCause());
        }
    }

    /** {@code adam-beta1} → {@code adamBeta1}. */
    static String camelCase(String key) {
        StringBuilder name = new StringBuilder();
        for (String part : key.split("-")) {
            if (name.isEmpty()) {
                name.append(part);
            }
            else if (!part.isEmpty()) {
                name.append(part.substring(0, 1).toUpperCase(Locale.ROOT)).append(part.substring(1));
            }
        }
        return name.toString();
    }
}
