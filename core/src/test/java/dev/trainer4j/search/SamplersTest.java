package dev.trainer4j.search;

import dev.trainer4j.api.SearchDirection;
import dev.trainer4j.api.SearchSpace;
import dev.trainer4j.api.TrialResult;
import dev.trainer4j.api.TrialState;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Random, grid and TPE sampling, checked against hand derivations. */
final class SamplersTest {
    private static final SearchSpace SPACE = SearchSpace.builder()
            .floatRange("args.learning-rate", 1e-4, 1e-1, true)
            .floatRange("args.weight-decay", 0, 0.1, false)
            .categorical("model.hidden-sizes", List.of(List.of(32), List.of(64), List.of(128)))
            .intRange("args.per-device-train-batch-size", 8, 64, true)
            .build();

    @Test
    void randomDrawsDependOnlyOnSeedAndTrialNumber() {
        RandomParameterSampler sampler = new RandomParameterSampler(SPACE, 7);
        Map<String, Object> first = sampler.sample(3, List.of());
        Map<String, Object> again = new RandomParameterSampler(SPACE, 7).sample(3, List.of(trial(0, 1.0, 0.5)));
        Map<String, Object> otherSeed = new RandomParameterSampler(SPACE, 8).sample(3, List.of());
        assertThat(again).isEqualTo(first);
        assertThat(otherSeed).isNotEqualTo(first);
        assertThat(first.keySet()).containsExactly("args.learning-rate", "args.weight-decay", "model.hidden-sizes",
                "args.per-device-train-batch-size");
    }

    @Test
    void randomLogRangeIsLogUniform() {
        RandomParameterSampler sampler = new RandomParameterSampler(SPACE, 1);
        int draws = 4000;
        int belowGeometricMean = 0;
        int[] hidden = new int[3];
        for (int i = 0; i < draws; i++) {
            Map<String, Object> values = sampler.sample(i, List.of());
            double rate = (double) values.get("args.learning-rate");
            assertThat(rate).isBetween(1e-4, 1e-1);
            // log-uniform on [1e-4, 1e-1]: the median is sqrt(1e-4 * 1e-1) = 10^-2.5, and each decade holds a third
            if (rate < Math.pow(10, -2.5)) {
                belowGeometricMean++;
            }
            assertThat((double) values.get("args.weight-decay")).isBetween(0.0, 0.1);
            long batch = (long) values.get("args.per-device-train-batch-size");
            assertThat(batch).isBetween(8L, 64L);
            hidden[List.of(List.of(32), List.of(64), List.of(128)).indexOf(values.get("model.hidden-sizes"))]++;
        }
        // binomial(4000, 1/2): sd = 31.6, so +-150 is more than 4.7 sd
        assertThat(belowGeometricMean).isBetween(draws / 2 - 150, draws / 2 + 150);
        for (int count : hidden) {
            assertThat(count).isBetween(draws / 3 - 150, draws / 3 + 150);
        }
    }

    @Test
    void gridWalksEveryCombinationLastParameterFastest() {
        SearchSpace space = SearchSpace.builder()
                .categorical("args.optim", List.of("sgd", "adamw"))
                .add(new dev.trainer4j.api.SearchParameter.FloatRange("args.learning-rate", 1e-3, 1e-1, true, 3))
                .intRange("args.gradient-accumulation-steps", 1, 2, false)
                .build();
        GridParameterSampler grid = new GridParameterSampler(space);
        assertThat(grid.size()).isEqualTo(2 * 3 * 2);
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < grid.size(); i++) {
            Map<String, Object> values = grid.sample(i, List.of());
            seen.add(values.get("args.optim") + "/" + String.format(java.util.Locale.ROOT, "%.0e", (double) values.get("args.learning-rate"))
                    + "/" + values.get("args.gradient-accumulation-steps"));
        }
        // log grid of 3 points over [1e-3, 1e-1]: 1e-3, 1e-2, 1e-1
        assertThat(seen).containsExactly("sgd/1e-03/1", "sgd/1e-03/2", "sgd/1e-02/1", "sgd/1e-02/2", "sgd/1e-01/1",
                "sgd/1e-01/2", "adamw/1e-03/1", "adamw/1e-03/2", "adamw/1e-02/1", "adamw/1e-02/2", "adamw/1e-01/1",
                "adamw/1e-01/2");
    }

    @Test
    void gammaIsOptunasDefault() {
        // min(ceil(0.1 n), 25)
        assertThat(TpeParameterSampler.gamma(1)).isEqualTo(1);
        assertThat(TpeParameterSampler.gamma(10)).isEqualTo(1);
        assertThat(TpeParameterSampler.gamma(11)).isEqualTo(2);
        assertThat(TpeParameterSampler.gamma(20)).isEqualTo(2);
        assertThat(TpeParameterSampler.gamma(1000)).isEqualTo(25);
    }

    @Test
    void categoricalEstimatorMixesObservationKernelsWithTheUniformPrior() {
        // one observation of choice 0 among 3: its kernel is ([1/2 + 1, 1/2, 1/2] / 2.5) = [0.6, 0.2, 0.2];
        // with the uniform prior kernel, each weighing 1/2: [0.4667, 0.2667, 0.2667]
        TpeParameterSampler.CategoricalEstimator estimator = new TpeParameterSampler.CategoricalEstimator(new int[] {0}, 3);
        assertThat(estimator.probability(0)).isCloseTo(0.5 * 0.6 + 0.5 / 3, within(1e-12));
        assertThat(estimator.probability(1)).isCloseTo(0.5 * 0.2 + 0.5 / 3, within(1e-12));
        assertThat(estimator.probability(2)).isCloseTo(0.5 * 0.2 + 0.5 / 3, within(1e-12));
    }

    @Test
    void tpeStartsRandomThenConcentratesWhereTheBestTrialsWere() {
        SearchSpace space = SearchSpace.builder().floatRange("args.weight-decay", 0, 1, false).build();
        TpeParameterSampler tpe = new TpeParameterSampler(space, SearchDirection.MINIMIZE, 5, 10, 24);
        RandomParameterSampler random = new RandomParameterSampler(space, 5);
        List<TrialResult> finished = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            assertThat(tpe.sample(i, finished)).isEqualTo(random.sample(i, finished));
            finished.add(trial(i, Math.abs(i / 8.0 - 0.25), i / 8.0));
        }
        finished.add(trial(9, 0.5, 0.75));
        // 20 observations, objective |x - 0.25|: below = the 2 best (x = 0.25 and 0.125 or 0.375)
        for (int i = 10; i < 30; i++) {
            finished.add(trial(i, Math.abs((i - 10) / 19.0 - 0.25), (i - 10) / 19.0));
        }
        double[] proposals = new double[40];
        for (int i = 0; i < proposals.length; i++) {
            proposals[i] = (double) tpe.sample(30 + i, finished).get("args.weight-decay");
        }
        Arrays.sort(proposals);
        double median = proposals[proposals.length / 2];
        // a uniform draw's median is 0.5; TPE's l(x) sits on the best trials near 0.25
        assertThat(median).isBetween(0.15, 0.35);
    }

    @Test
    void tpeRanksPrunedTrialsAfterCompleteOnesAndLeavesFailedOnesOut() {
        SearchSpace space = SearchSpace.builder().floatRange("args.weight-decay", 0, 1, false).build();
        TpeParameterSampler tpe = new TpeParameterSampler(space, SearchDirection.MINIMIZE, 0, 1, 24);
        TrialResult complete = trial(0, 5.0, 0.1);
        TrialResult prunedEarly = new TrialResult(1, Map.of("args.weight-decay", 0.2), TrialState.PRUNED,
                OptionalDouble.of(0.1), "", List.of(0.1), 10);
        TrialResult prunedLate = new TrialResult(2, Map.of("args.weight-decay", 0.3), TrialState.PRUNED,
                OptionalDouble.of(0.9), "", List.of(0.1, 0.5, 0.9), 30);
        TrialResult failed = new TrialResult(3, Map.of("args.weight-decay", 0.4), TrialState.FAILED,
                OptionalDouble.empty(), "boom", List.of(), 3);
        assertThat(tpe.rank(List.of(failed, prunedEarly, prunedLate, complete)))
                .containsExactly(complete, prunedLate, prunedEarly);
    }

    private static TrialResult trial(int number, double objective, double weightDecay) {
        return new TrialResult(number, Map.of("args.weight-decay", weightDecay), TrialState.COMPLETE,
                OptionalDouble.of(objective), "", List.of(objective), 10);
    }
}
