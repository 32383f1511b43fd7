package dev.trainer4j.search;

import dev.trainer4j.api.SearchParameter;
import dev.trainer4j.api.SearchSpace;
import dev.trainer4j.api.TrialResult;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static java.util.Objects.requireNonNull;

/**
 * Random search: every parameter drawn independently and uniformly on its scale (log ranges log-uniformly), from a
 * stream that depends only on (search seed, trial number), so trial n gets the same parameters whatever finished
 * before it.
 */
final class RandomParameterSampler implements ParameterSampler {
    private final SearchSpace space;
    private final long seed;

    RandomParameterSampler(SearchSpace space, long seed) {
        this.space = requireNonNull(space, "space is null");
        this.seed = seed;
    }

    /** The random stream of trial {@code number}: a function of (seed, number) only. */
    static SplittableRandom trialRandom(long seed, int number) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + number * 0xBF58476D1CE4E5B9L + 0x94D049BB133111EBL);
    }

    @Override
    public Map<String, Object> sample(int number, List<TrialResult> finished) {
        return draw(space, trialRandom(seed, number));
    }

    static Map<String, Object> draw(SearchSpace space, SplittableRandom random) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (SearchParameter parameter : space.parameters()) {
            if (parameter instanceof SearchParameter.Categorical categorical) {
                values.put(parameter.key(), categorical.choices().get(random.nextInt(categorical.choices().size())));
            }
            else {
                ParameterScale scale = ParameterScale.of(parameter);
                values.put(parameter.key(), scale.toValue(scale.draw(random)));
            }
        }
        return values;
    }
}
