package dev.trainer4j.search;

import dev.trainer4j.api.SearchParameter;

import java.util.SplittableRandom;

/**
 * A numeric parameter on the scale its sampler works on: the value itself, or its logarithm for a log-scale range.
 * An integer range {@code [low, high]} is widened to {@code [low - 0.5, high + 0.5]} (on its scale) so that every
 * integer has an equal share, and a point is rounded back to the nearest integer inside the range (as Optuna does).
 */
record ParameterScale(double low, double high, boolean log, boolean integer, long intLow, long intHigh) {

    static ParameterScale of(SearchParameter parameter) {
        if (parameter instanceof SearchParameter.FloatRange range) {
            return range.log()
                    ? new ParameterScale(Math.log(range.low()), Math.log(range.high()), true, false, 0, 0)
                    : new ParameterScale(range.low(), range.high(), false, false, 0, 0);
        }
        SearchParameter.IntRange range = (SearchParameter.IntRange) parameter;
        double low = range.low() - 0.5;
        double high = range.high() + 0.5;
        return range.log()
                ? new ParameterScale(Math.log(Math.max(low, 0.5)), Math.log(high), true, true, range.low(), range.high())
                : new ParameterScale(low, high, false, true, range.low(), range.high());
    }

    /** A uniform draw on the scale. */
    double draw(SplittableRandom random) {
        return low == high ? low : low + random.nextDouble() * (high - low);
    }

    /** The point on the scale of a parameter value. */
    double toScale(Object value) {
        double number = ((Number) value).doubleValue();
        return log ? Math.log(number) : number;
    }

    /** The parameter value of a point on the scale: a Double, or a Long for an integer range. */
    Object toValue(double point) {
        double value = log ? Math.exp(point) : point;
        if (integer) {
            return Math.max(intLow, Math.min(intHigh, Math.round(value)));
        }
        double lowValue = log ? Math.exp(low) : low;
        double highValue = log ? Math.exp(high) : high;
        return Math.max(lowValue, Math.min(highValue, value));
    }
}
