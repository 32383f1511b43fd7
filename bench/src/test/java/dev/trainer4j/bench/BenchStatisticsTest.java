package dev.trainer4j.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class BenchStatisticsTest {
    @Test
    void medianOfAnOddCountIsTheMiddleValue() {
        assertThat(BenchStatistics.median(List.of(5.0, 1.0, 3.0, 9.0, 7.0))).isEqualTo(5.0);
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(BenchStatistics.median(List.of(4.0, 1.0, 3.0, 10.0))).isEqualTo(3.5);
        assertThat(BenchStatistics.median(List.of())).isNaN();
    }

    @Test
    void summaryIsMedianWithRange() {
        assertThat(BenchStatistics.summary(List.of(1290.0, 1306.25, 1311.5), 1)).isEqualTo("1306.3 (1290.0-1311.5)");
        assertThat(BenchStatistics.summary(List.of(), 1)).isEqualTo("n/a");
    }

    @Test
    void ratioSaysWhetherTheTargetIsMet() {
        assertThat(BenchStatistics.ratio(1306, 945, 2.0)).isEqualTo("1.38x (target >= 2.00: NOT met)");
        assertThat(BenchStatistics.ratio(1960, 648, 3.0)).isEqualTo("3.02x (target >= 3.00: met)");
        assertThat(BenchStatistics.ratio(681, 500, 0)).isEqualTo("1.36x");
        assertThat(BenchStatistics.ratio(1306, Double.NaN, 2.0)).isEqualTo("n/a");
    }

    @Test
    void maxRelativeDifferenceIsTakenAgainstTheSecondSeries() {
        // |0.5 - 0.4| / 0.4 = 0.25 at the second step
        assertThat(BenchStatistics.maxRelativeDifference(List.of(1.0, 0.5), List.of(1.0, 0.4))).isEqualTo(0.25, org.assertj.core.api.Assertions.within(1e-12));
    }
}
