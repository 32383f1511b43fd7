package dev.trainer4j.api;

import java.util.ArrayList;
import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One dimension of a {@link SearchSpace}: a run key ({@code args.<argument>} or {@code model.<setting>}) and the
 * values a trial may give it. Each record checks its bounds at construction and names the key when they are wrong.
 */
public sealed interface SearchParameter {

    /** The run key this parameter sets, e.g. {@code args.learning-rate} or {@code model.hidden-sizes}. */
    String key();

    /**
     * A real number in {@code [low, high]}, uniform on a linear or (with {@code log}) a logarithmic scale.
     *
     * @param gridPoints how many evenly spaced values grid search tries (on the parameter's scale, ends included)
     */
    record FloatRange(String key, double low, double high, boolean log, int gridPoints) implements SearchParameter {
        public FloatRange {
            checkKey(key);
            checkBounds(key, low, high, log);
            if (gridPoints < 1) {
                throw new ConfigurationException(key + ".grid-points", gridPoints, "an integer >= 1");
            }
        }

        public FloatRange(String key, double low, double high, boolean log) {
            this(key, low, high, log, 3);
        }
    }

    /** An integer in {@code [low, high]}, uniform on a linear or (with {@code log}) a logarithmic scale. */
    record IntRange(String key, long low, long high, boolean log) implements SearchParameter {
        public IntRange {
            checkKey(key);
            checkBounds(key, low, high, log);
        }
    }

    /** One of the given choices (numbers, strings, booleans or lists, as a run file would write them). */
    record Categorical(String key, List<Object> choices) implements SearchParameter {
        public Categorical {
            checkKey(key);
            requireNonNull(choices, "choices is null");
            if (choices.isEmpty()) {
                throw new ConfigurationException(key, "[]", "at least one choice");
            }
            choices = List.copyOf(new ArrayList<>(choices));
        }
    }

    private static void checkKey(String key) {
        requireNonNull(key, "key is null");
        if (!key.startsWith("args.") && !key.startsWith("model.") || key.endsWith(".") || key.contains("..")) {
            throw new ConfigurationException(key, key, "a key under args. or model., e.g. args.learning-rate");
        }
    }

    private static void checkBounds(String key, double low, double high, boolean log) {
        if (!Double.isFinite(low) || !Double.isFinite(high)) {
            throw new ConfigurationException(key, "[" + low + ", " + high + "]", "finite bounds");
        }
        if (low > high) {
            throw new ConfigurationException(key, key + ": low (" + low + ") is greater than high (" + high
                    + "); expected low <= high");
        }
        if (log && low <= 0) {
            throw new ConfigurationException(key, key + ": a log-scale range needs bounds > 0, but low is " + low
                    + (high <= 0 ? " and high is " + high : "") + "; expected 0 < low <= high");
        }
    }
}
