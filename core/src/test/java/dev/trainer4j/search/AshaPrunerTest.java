package dev.trainer4j.search;

import dev.trainer4j.api.SearchDirection;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** ASHA's decisions, derived by hand from the rule: go on when in the top max(1, floor(n / eta)) of a rung. */
final class AshaPrunerTest {

    @Test
    void rungsAreAtMinResourceTimesEtaToTheK() {
        AshaPruner pruner = new AshaPruner(SearchDirection.MINIMIZE, 3, 2);
        assertThat(pruner.rungResource(0)).isEqualTo(2);
        assertThat(pruner.rungResource(1)).isEqualTo(6);
        assertThat(pruner.rungResource(2)).isEqualTo(18);
    }

    @Test
    void aTrialGoesOnOnlyWhenInTheTopThirdOfItsRung() {
        AshaPruner pruner = new AshaPruner(SearchDirection.MINIMIZE, 3, 1);
        // rung 0 (1 evaluation): [1.0] -> top 1 is 1.0 -> goes on
        assertThat(pruner.report(0, 1, 1.0)).isFalse();
        // [1.0, 2.0]: floor(2/3) = 0 -> top 1 = 1.0; 2.0 is worse -> stops
        assertThat(pruner.report(1, 1, 2.0)).isTrue();
        // [1.0, 2.0, 0.5]: floor(3/3) = 1 -> top 1 = 0.5 -> goes on
        assertThat(pruner.report(2, 1, 0.5)).isFalse();
        // [1.0, 2.0, 0.5, 0.8]: floor(4/3) = 1 -> 0.8 > 0.5 -> stops
        assertThat(pruner.report(3, 1, 0.8)).isTrue();
        // between rungs nothing is decided
        assertThat(pruner.report(0, 2, 5.0)).isFalse();
        // rung 1 (3 evaluations): [0.9] -> goes on
        assertThat(pruner.report(0, 3, 0.9)).isFalse();
        // trial 2 reaches rung 1 with 0.95: [0.9, 0.95] -> top 1 = 0.9 -> stops
        assertThat(pruner.report(2, 3, 0.95)).isTrue();
        // five values at rung 0 -> floor(5/3) = 1: only 0.5 goes on
        assertThat(pruner.report(4, 1, 0.6)).isTrue();
        // six values -> floor(6/3) = 2: the top two are 0.5 and 0.55
        assertThat(pruner.report(5, 1, 0.55)).isFalse();
    }

    @Test
    void maximizingKeepsTheHighest() {
        AshaPruner pruner = new AshaPruner(SearchDirection.MAXIMIZE, 2, 1);
        assertThat(pruner.report(0, 1, 0.5)).isFalse();
        // [0.5, 0.7]: floor(2/2) = 1 -> top 1 = 0.7 -> goes on
        assertThat(pruner.report(1, 1, 0.7)).isFalse();
        // [0.5, 0.7, 0.6]: floor(3/2) = 1 -> 0.6 < 0.7 -> stops
        assertThat(pruner.report(2, 1, 0.6)).isTrue();
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
        // rung 0 holds [0.4]: 0.5 is worse than the top 1 -> stops
        assertThat(pruner.report(1, 1, 0.5)).isTrue();
        // rung 1 holds [0.2] from trial 0's third evaluation
        assertThat(pruner.report(2, 1, 0.1)).isFalse();
        assertThat(pruner.report(2, 3, 0.25)).isTrue();
    }
}
