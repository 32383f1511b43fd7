package dev.trainer4j.api;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The parameters of a hyperparameter search (HF's {@code hp_space}), in order; a key appears once. Immutable.
 *
 * <pre>{@code
 * SearchSpace space = SearchSpace.builder()
 *         .floatRange("args.learning-rate", 1e-4, 1e-1, true)
 *         .floatRange("args.weight-decay", 0, 0.1, false)
 *         .categorical("model.hidden-sizes", List.of(List.of(32), List.of(64), List.of(128)))
 *         .build();
 * }</pre>
 */
public final class SearchSpace {
    private final List<SearchParameter> parameters;

    public SearchSpace(List<? extends SearchParameter> parameters) {
        requireNonNull(parameters, "parameters is null");
        Map<String, SearchParameter> byKey = new LinkedHashMap<>();
        for (SearchParameter parameter : parameters) {
            requireNonNull(parameter, "a parameter is null");
            if (byKey.put(parameter.key(), parameter) != null) {
                throw new ConfigurationException(parameter.key(), parameter.key() + ": given twice in the search space");
            }
        }
        if (byKey.isEmpty()) {
            throw new ConfigurationException("search.space", "search.space: empty; expected at least one parameter");
        }
        this.parameters = List.copyOf(byKey.values());
    }

    public static Builder builder() {
        return new Builder();
    }

    public List<SearchParameter> parameters() {
        return parameters;
    }

    @Override
    public String toString() {
        return "SearchSpace" + parameters;
    }

    /** Builds a {@link SearchSpace}. */
    public static final class Builder {
        private final List<SearchParameter> parameters = new ArrayList<>();

        private Builder() {
        }

        public Builder floatRange(String key, double low, double high, boolean log) {
            return add(new SearchParameter.FloatRange(key, low, high, log));
        }

        public Builder intRange(String key, long low, long high, boolean log) {
            return add(new SearchParameter.IntRange(key, low, high, log));
        }

        public Builder categorical(String key, List<?> choices) {
            return add(new SearchParameter.Categorical(key, new ArrayList<>(requireNonNull(choices, "choices is null"))));
        }

        public Builder add(SearchParameter parameter) {
            parameters.add(requireNonNull(parameter, "parameter is null"));
            return this;
        }

        public SearchSpace build() {
            return new SearchSpace(parameters);
        }
    }
}
