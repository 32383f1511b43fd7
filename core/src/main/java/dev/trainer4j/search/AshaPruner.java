package dev.trainer4j.search;

import dev.trainer4j.api.SearchDirection;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Asynchronous successive halving (Li et al. 2020, "A System for Massively Parallel Hyperparameter Tuning") for
 * trials that cannot be paused and resumed: the resource is the number of evaluations a trial has had; rung k is
 * reached at {@code min-resource * eta^k} evaluations. A trial reaching a rung records its objective there and goes on
 * only when it is among the top {@code ceil(n / eta)} of the n values recorded at that rung so far (itself included),
 * otherwise it stops for good. Li et al. promote the top {@code floor(n / eta)} and let a paused trial be promoted
 * later, once enough worse values have arrived; a trial here is decided once, on arrival, so the count is rounded up:
 * it goes on when it would be promoted after at most eta - 1 more arrivals that are all worse. With eta = 2 that is
 * the median stopping rule at rungs 1, 2, 4, 8, ...: a trial worse than the median of its rung stops. (Optuna's
 * {@code SuccessiveHalvingPruner} keeps the top {@code max(1, floor(n / eta))}, which lets only a new best through
 * while a rung holds fewer than 2 * eta values; on the digits bench that stopped the trials that end best too often,
 * see BENCHMARKS.md.) Thread-safe, for trials running in parallel.
 */
final class AshaPruner {
    private final SearchDirection direction;
    private final int reductionFactor;
    private final int minResource;
    /** The values recorded at each rung. */
    private final List<List<Double>> rungs = new ArrayList<>();
    /** The next rung each trial has to reach. */
    private final Map<Integer, Integer> nextRung = new HashMap<>();

    AshaPruner(SearchDirection direction, int reductionFactor, int minResource) {
        this.direction = requireNonNull(direction, "direction is null");
        if (reductionFactor < 2 || minResource < 1) {
            throw new IllegalArgumentException("reduction factor >= 2 and min resource >= 1 expected");
        }
        this.reductionFactor = reductionFactor;
        this.minResource = minResource;
    }

    /** The evaluations at which rung {@code rung} is reached. */
    long rungResource(int rung) {
        long resource = minResource;
        for (int i = 0; i < rung; i++) {
            resource *= reductionFactor;
        }
        return resource;
    }

    /**
     * Trial {@code trial} reports {@code value} after its {@code evaluations}-th evaluation (from 1); true when it
     * should stop now. A non-finite value always stops it.
     */
    synchronized boolean report(int trial, long evaluations, double value) {
        if (!Double.isFinite(value)) {
            return true;
        }
        int rung = nextRung.getOrDefault(trial, 0);
        while (evaluations >= rungResource(rung)) {
            while (rungs.size() <= rung) {
                rungs.add(new ArrayList<>());
            }
            List<Double> recorded = rungs.get(rung);
            recorded.add(value);
            nextRung.put(trial, rung + 1);
            if (!promotable(value, recorded)) {
                return true;
            }
            rung++;
        }
        return false;
    }

    private boolean promotable(double value, List<Double> recorded) {
        List<Double> sorted = new ArrayList<>(recorded);
        sorted.sort(direction == SearchDirection.MINIMIZE ? null : java.util.Collections.reverseOrder());
        int index = (recorded.size() + reductionFactor - 1) / reductionFactor - 1;
        double cutoff = sorted.get(index);
        return direction == SearchDirection.MINIMIZE ? value <= cutoff : value >= cutoff;
    }

    /** Records a finished trial's rung values again after a resume, without deciding anything. */
    synchronized void replay(int trial, List<Double> intermediate) {
        int rung = 0;
        for (int evaluation = 1; evaluation <= intermediate.size(); evaluation++) {
            while (evaluation >= rungResource(rung)) {
                while (rungs.size() <= rung) {
                    rungs.add(new ArrayList<>());
                }
                double value = intermediate.get(evaluation - 1);
                if (Double.isFinite(value)) {
                    rungs.get(rung).add(value);
                }
                rung++;
            }
        }
        nextRung.put(trial, rung);
    }
}
