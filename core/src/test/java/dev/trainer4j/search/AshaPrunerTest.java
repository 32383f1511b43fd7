package dev.trainer4j.search;

import dev.trainer4j.api.SearchDirection;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** ASHA's decisions, derived by hand from the rule: go on when in the top ceil(n / eta) of the n values at a rung. */
final class AshaPrunerTest {

    @Test
    void rungsAreAtMinResourceTimesEtaToTheK() {
        AshaPruner pruner = new AshaPruner(SearchDirection.MINIMIZE, 3, 2);
        assertThat(pruner.rungResource(0)).isEqualTo(2);
        assertThat(pruner.rungResource(1)).isEqualTo(6);
        assertThat(pruner.rungResource(2)).isEqualTo(18);
        AshaPruner halving = new AshaPruner(SearchDirection.MINIMIZE, 2, 1);
        assertThat(List.of(halving.rungResource(0), halving.rungResource(1), halving.rungResource(2),
                halving.rungResource(3))).containsExactly(1L, 2L, 4L, 8L);
    }

    @Test
    void aTrialGoesOnOnlyWhenInTheTopThirdOfItsRungRoundedUp() {
        AshaPruner pruner = new AshaPruner(SearchDirection.MINIMIZE, 3, 1);
        // rung 0 (1 evaluation): [1.0]: ceil(1/3) = 1 -> top 1 is 1.0 -> goes on
        assertThat(pruner.report(0, 1, 1.0)).isFalse();
        // [1.0, 2.0]: ceil(2/3) = 1 -> top 1 = 1.0; 2.0 is worse -> stops
        assertThat(pruner.report(1, 1, 2.0)).isTrue();
        // [1.0, 2.0, 0.5]: ceil(3/3) = 1 -> top 1 = 0.5 -> goes on
        assertThat(pruner.report(2, 1, 0.5)).isFalse();
        // [1.0, 2.0, 0.5, 0.8]: ceil(4/3) = 2 -> top 2 = 0.5, 0.8 -> goes on
        // (Optuna's max(1, floor(4/3)) = 1 would stop it)
        assertThat(pruner.report(3, 1, 0.8)).isFalse();
        // between rungs nothing is decided
        assertThat(pruner.report(0, 2, 5.0)).isFalse();
        // rung 1 (3 evaluations): [0.9] -> goes on
        assertThat(pruner.report(0, 3, 0.9)).isFalse();
        // trial 2 reaches rung 1 with 0.95: [0.9, 0.95]: ceil(2/3) = 1 -> top 1 = 0.9 -> stops
        assertThat(pruner.report(2, 3, 0.95)).isTrue();
        // five values at rung 0: ceil(5/3) = 2 -> top 2 = 0.5, 0.8; 0.9 stops
        assertThat(pruner.report(4, 1, 0.9)).isTrue();
        // six values: ceil(6/3) = 2 -> top 2 = 0.5, 0.7 -> 0.7 goes on
        assertThat(pruner.report(5, 1, 0.7)).isFalse();
        // seven values: ceil(7/3) = 3 -> top 3 = 0.5, 0.7, 0.8; 0.85 stops
        assertThat(pruner.report(6, 1, 0.85)).isTrue();
    }

    @Test
    void withReductionFactorTwoATrialWorseThanTheMedianStops() {
        AshaPruner pruner = new AshaPruner(SearchDirection.MINIMIZE, 2, 1);
        assertThat(pruner.report(0, 1, 0.3)).isFalse();
        // [0.3, 0.5]: ceil(2/2) = 1 -> 0.5 is above the lower median 0.3 -> stops
        assertThat(pruner.report(1, 1, 0.5)).isTrue();
        // [0.3, 0.5, 0.4]: ceil(3/2) = 2 -> top 2 = 0.3, 0.4: 0.4 is the median -> goes on
        assertThat(pruner.report(2, 1, 0.4)).isFalse();
        // trial 2 at rung 1 (2 evaluations): [0.35] -> goes on; at rung 2 (4 evaluations): [0.2] -> goes on
        assertThat(pruner.report(2, 2, 0.35)).isFalse();
        assertThat(pruner.report(2, 3, 0.3)).isFalse();
        assertThat(pruner.report(2, 4, 0.2)).isFalse();
        // trial 0 at rung 1: [0.35, 0.36]: ceil(2/2) = 1 -> stops
        assertThat(pruner.report(0, 2, 0.36)).isTrue();
    }

    @Test
    void maximizingKeepsTheHighest() {
        AshaPruner pruner = new AshaPruner(SearchDirection.MAXIMIZE, 2, 1);
        assertThat(pruner.report(0, 1, 0.5)).isFalse();
        // [0.5, 0.7]: ceil(2/2) = 1 -> top 1 = 0.7 -> goes on
        assertThat(pruner.report(1, 1, 0.7)).isFalse();
        // [0.5, 0.7, 0.6]: ceil(3/2) = 2 -> top 2 = 0.7, 0.6 -> goes on
        assertThat(pruner.report(2, 1, 0.6)).isFalse();
        // [0.5, 0.7, 0.6, 0.55]: ceil(4/2) = 2 -> 0.55 < 0.6 -> stops
        assertThat(pruner.report(3, 1, 0.55)).isTrue();
    }

    @Test
    void aNonFiniteValueStops() {
        AshaPruner pruner = new AshaPruner(SearchDirection.MINIMIZE, 3, 1);
        assertThat(pruner.report(0, 1, Double.NaN)).isTrue();
    }

    @Test
    void replayedTrialsCountAtTheirRungs() {
        AshaPruner pruner = new AshaPruner(SearchDirection.MINIMIZE, 3, 1);
        pruner.replay(0, List.of(0.4, 0.3, 0.2));
        // rung 0 holds [0.4]: [0.4, 0.5]: ceil(2/3) = 1 -> 0.5 is worse than the top 1 -> stops
        assertThat(pruner.report(1, 1, 0.5)).isTrue();
        // [0.4, 0.5, 0.1] -> goes on; rung 1 holds [0.2] from trial 0's third evaluation: [0.2, 0.25] -> stops
        assertThat(pruner.report(2, 1, 0.1)).isFalse();
        assertThat(pruner.report(2, 3, 0.25)).isTrue();
    }
}
