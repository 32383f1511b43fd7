package dev.trainer4j.search;

import dev.trainer4j.api.SearchDirection;
import dev.trainer4j.api.SearchParameter;
import dev.trainer4j.api.SearchSpace;
import dev.trainer4j.api.TrialResult;
import dev.trainer4j.api.TrialState;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static java.util.Objects.requireNonNull;

/**
 * The tree-structured Parzen estimator (Bergstra et al. 2011, "Algorithms for Hyper-Parameter Optimization"), with
 * Optuna's defaults for its independent (univariate) {@code TPESampler}:
 * <ul>
 *   <li>the first {@code startup-trials} (10) trials, and any trial while fewer trials have finished, are drawn at
 *       random ({@link RandomParameterSampler}, the same stream);</li>
 *   <li>the finished trials are ranked: complete ones by objective, then pruned ones by how many evaluations they
 *       reached (more first) and their last intermediate objective; failed ones are left out. The best
 *       {@code gamma(n) = min(ceil(0.1 n), 25)} form the "below" group, the rest "above";</li>
 *   <li>for each parameter on its own, a {@link ParzenEstimator} (or {@link CategoricalEstimator}) is fitted to each
 *       group, {@code ei-candidates} (24) candidates are drawn from the below estimator {@code l(x)}, and the one with
 *       the largest {@code log l(x) - log g(x)} (the expected improvement's ordering) is taken.</li>
 * </ul>
 * Integer ranges are modelled as continuous on {@code [low - 0.5, high + 0.5]} and rounded (Optuna scores the
 * rounded value's probability mass instead; the ordering of candidates is nearly the same). Trial n's draws come
 * from the stream of (seed, n) only, so with one trial at a time a seed gives the same parameters every time.
 */
final class TpeParameterSampler implements ParameterSampler {
    private final SearchSpace space;
    private final SearchDirection direction;
    private final long seed;
    private final int startupTrials;
    private final int candidates;

    TpeParameterSampler(SearchSpace space, SearchDirection direction, long seed, int startupTrials, int candidates) {
        this.space = requireNonNull(space, "space is null");
        this.direction = requireNonNull(direction, "direction is null");
        this.seed = seed;
        this.startupTrials = startupTrials;
        this.candidates = candidates;
    }

    /** Optuna's {@code default_gamma}: the size of the "below" group of {@code n} ranked trials. */
    static int gamma(int n) {
        return Math.min((int) Math.ceil(0.1 * n), 25);
    }

    @Override
    public Map<String, Object> sample(int number, List<TrialResult> finished) {
        SplittableRandom random = RandomParameterSampler.trialRandom(seed, number);
        List<TrialResult> ranked = rank(finished);
        if (number < startupTrials || ranked.size() < Math.max(1, startupTrials)) {
            return RandomParameterSampler.draw(space, random);
        }
        int below = gamma(ranked.size());
        List<TrialResult> good = byNumber(ranked.subList(0, below));
        List<TrialResult> bad = byNumber(ranked.subList(below, ranked.size()));
        Map<String, Object> values = new LinkedHashMap<>();
        for (SearchParameter parameter : space.parameters()) {
            SplittableRandom parameterRandom = random.split();
            if (parameter instanceof SearchParameter.Categorical categorical) {
                List<Object> choices = categorical.choices();
                CategoricalEstimator l = new CategoricalEstimator(indices(good, categorical), choices.size());
                CategoricalEstimator g = new CategoricalEstimator(indices(bad, categorical), choices.size());
                int best = -1;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < candidates; i++) {
                    int candidate = l.sample(parameterRandom);
                    double score = l.logProbability(candidate) - g.logProbability(candidate);
                    if (score > bestScore) {
                        bestScore = score;
                        best = candidate;
                    }
                }
                values.put(parameter.key(), choices.get(best));
            }
            else {
                ParameterScale scale = ParameterScale.of(parameter);
                ParzenEstimator l = new ParzenEstimator(points(good, parameter, scale), scale.low(), scale.high());
                ParzenEstimator g = new ParzenEstimator(points(bad, parameter, scale), scale.low(), scale.high());
                double best = Double.NaN;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < candidates; i++) {
                    double candidate = l.sample(parameterRandom);
                    double score = l.logDensity(candidate) - g.logDensity(candidate);
                    if (score > bestScore || Double.isNaN(best)) {
                        bestScore = score;
                        best = candidate;
                    }
                }
                values.put(parameter.key(), scale.toValue(best));
            }
        }
        return values;
    }

    /** Complete trials by objective, then pruned ones by evaluations reached (more first) and last objective. */
    List<TrialResult> rank(List<TrialResult> finished) {
        Comparator<Double> better = direction == SearchDirection.MINIMIZE ? Comparator.naturalOrder() : Comparator.reverseOrder();
        List<TrialResult> complete = new ArrayList<>();
        List<TrialResult> pruned = new ArrayList<>();
        for (TrialResult trial : finished) {
            if (trial.state() == TrialState.COMPLETE && Double.isFinite(trial.objective().getAsDouble())) {
                complete.add(trial);
            }
            else if (trial.state() == TrialState.PRUNED && Double.isFinite(trial.objective().getAsDouble())) {
                pruned.add(trial);
            }
        }
        complete.sort(Comparator.comparing((TrialResult trial) -> trial.objective().getAsDouble(), better)
                .thenComparingInt(TrialResult::number));
        pruned.sort(Comparator.comparingInt((TrialResult trial) -> -trial.intermediate().size())
                .thenComparing((TrialResult trial) -> trial.objective().getAsDouble(), better)
                .thenComparingInt(TrialResult::number));
        List<TrialResult> ranked = new ArrayList<>(complete);
        ranked.addAll(pruned);
        return ranked;
    }

    private static List<TrialResult> byNumber(List<TrialResult> trials) {
        List<TrialResult> sorted = new ArrayList<>(trials);
        sorted.sort(Comparator.comparingInt(TrialResult::number));
        return sorted;
    }

    private static double[] points(List<TrialResult> trials, SearchParameter parameter, ParameterScale scale) {
        return trials.stream().filter(trial -> trial.parameters().containsKey(parameter.key()))
                .mapToDouble(trial -> scale.toScale(trial.parameters().get(parameter.key()))).toArray();
    }

    private static int[] indices(List<TrialResult> trials, SearchParameter.Categorical parameter) {
        return trials.stream().map(trial -> trial.parameters().get(parameter.key()))
                .mapToInt(value -> CategoricalEstimator.indexOf(parameter.choices(), value))
                .filter(index -> index >= 0).toArray();
    }

    /**
     * Optuna's categorical Parzen estimator: one kernel per observation, a probability vector filled with
     * {@code prior_weight / (n + 1)} plus 1 at its choice, normalised, and a uniform prior kernel; kernel weights as
     * for numbers.
     */
    static final class CategoricalEstimator {
        private final double[] probabilities;

        CategoricalEstimator(int[] observations, int choices) {
            int n = observations.length;
            double[] kernelWeights = Arrays.copyOf(ParzenEstimator.observationWeights(n), n + 1);
            kernelWeights[n] = 1.0;
            double total = Arrays.stream(kernelWeights).sum();
            probabilities = new double[choices];
            double fill = 1.0 / (n + 1);
            for (int i = 0; i < n; i++) {
                double rowTotal = fill * choices + 1;
                for (int j = 0; j < choices; j++) {
                    double p = (fill + (j == observations[i] ? 1 : 0)) / rowTotal;
                    probabilities[j] += kernelWeights[i] / total * p;
                }
            }
            for (int j = 0; j < choices; j++) {
                probabilities[j] += kernelWeights[n] / total / choices;
            }
        }

        int sample(SplittableRandom random) {
            double pick = random.nextDouble();
            double cumulative = 0;
            for (int j = 0; j < probabilities.length; j++) {
                cumulative += probabilities[j];
                if (pick < cumulative) {
                    return j;
                }
            }
            return probabilities.length - 1;
        }

        double logProbability(int choice) {
            return Math.log(probabilities[choice]);
        }

        double probability(int choice) {
            return probabilities[choice];
        }

        /** The index of {@code value} among {@code choices} (numbers compared by value), or -1. */
        static int indexOf(List<Object> choices, Object value) {
            for (int i = 0; i < choices.size(); i++) {
                if (SearchValues.same(choices.get(i), value)) {
                    return i;
                }
            }
            return -1;
        }
    }
}
