package dev.trainer4j.search;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.SearchParameter;
import dev.trainer4j.api.SearchSpace;
import dev.trainer4j.api.TrialResult;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Grid search: every combination of the parameters' grid values, the last parameter changing fastest. A categorical
 * parameter's grid is its choices, an integer range's every integer, a float range's {@code grid-points} evenly
 * spaced values on its scale (ends included). Trial n takes combination n.
 */
final class GridParameterSampler implements ParameterSampler {
    /** The most combinations a grid may have. */
    static final long MAX_GRID_SIZE = 1_000_000;

    private final List<String> keys = new ArrayList<>();
    private final List<List<Object>> axes = new ArrayList<>();
    private final long size;

    GridParameterSampler(SearchSpace space) {
        requireNonNull(space, "space is null");
        long combinations = 1;
        for (SearchParameter parameter : space.parameters()) {
            List<Object> axis = axis(parameter);
            keys.add(parameter.key());
            axes.add(axis);
            combinations *= axis.size();
            if (combinations > MAX_GRID_SIZE) {
                throw new ConfigurationException(parameter.key(), parameter.key() + ": the grid has more than "
                        + MAX_GRID_SIZE + " combinations up to this parameter; narrow the ranges or use sampler = random or tpe");
            }
        }
        this.size = combinations;
    }

    /** How many combinations the grid has. */
    long size() {
        return size;
    }

    private static List<Object> axis(SearchParameter parameter) {
        List<Object> axis = new ArrayList<>();
        if (parameter instanceof SearchParameter.Categorical categorical) {
            axis.addAll(categorical.choices());
        }
        else if (parameter instanceof SearchParameter.IntRange range) {
            if (range.high() - range.low() >= MAX_GRID_SIZE) {
                throw new ConfigurationException(range.key(), range.key() + ": an integer range of "
                        + (range.high() - range.low() + 1) + " values is too large for grid search");
            }
            for (long value = range.low(); value <= range.high(); value++) {
                axis.add(value);
            }
        }
        else {
            SearchParameter.FloatRange range = (SearchParameter.FloatRange) parameter;
            ParameterScale scale = ParameterScale.of(range);
            int points = range.low() == range.high() ? 1 : range.gridPoints();
            for (int i = 0; i < points; i++) {
                double point = points == 1 ? scale.low() : scale.low() + (scale.high() - scale.low()) * i / (points - 1);
                axis.add(scale.toValue(point));
            }
        }
        return axis;
    }

    @Override
    public Map<String, Object> sample(int number, List<TrialResult> finished) {
        if (number >= size) {
            throw new IllegalArgumentException("trial " + number + " is past the grid's " + size + " combinations");
        }
        Map<String, Object> values = new LinkedHashMap<>();
        long rest = number;
        Object[] chosen = new Object[axes.size()];
        for (int i = axes.size() - 1; i >= 0; i--) {
            List<Object> axis = axes.get(i);
            chosen[i] = axis.get((int) (rest % axis.size()));
            rest /= axis.size();
        }
        for (int i = 0; i < keys.size(); i++) {
            values.put(keys.get(i), chosen[i]);
        }
        return values;
    }
}
