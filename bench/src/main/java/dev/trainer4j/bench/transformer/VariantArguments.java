package dev.trainer4j.bench.transformer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** A variant JVM's command line: {@code --key value} pairs, each key one of the variant's known keys. */
public final class VariantArguments {
    private final String program;
    private final Map<String, String> values = new LinkedHashMap<>();

    private VariantArguments(String program) {
        this.program = program;
    }

    /** Parses {@code arguments}; an unknown key or a key without a value is an error that lists the known keys. */
    public static VariantArguments parse(String program, String[] arguments, Set<String> keys) {
        VariantArguments parsed = new VariantArguments(program);
        for (int i = 0; i < arguments.length; i += 2) {
            String key = arguments[i];
            if (!key.startsWith("--") || !keys.contains(key.substring(2)) || i + 1 >= arguments.length) {
                throw new IllegalArgumentException(program + ": bad option '" + key + "'"
                        + (i + 1 >= arguments.length ? " (no value)" : "") + "; expected --key value with a key in " + keys);
            }
            parsed.values.put(key.substring(2), arguments[i + 1]);
        }
        return parsed;
    }

    public String text(String key, String fallback) {
        return values.getOrDefault(key, fallback);
    }

    public String required(String key) {
        String value = values.get(key);
        if (value == null) {
            throw new IllegalArgumentException(program + " needs --" + key);
        }
        return value;
    }

    public int integer(String key, int fallback) {
        return values.containsKey(key) ? Integer.parseInt(values.get(key)) : fallback;
    }

    public double number(String key, double fallback) {
        return values.containsKey(key) ? Double.parseDouble(values.get(key)) : fallback;
    }
}
