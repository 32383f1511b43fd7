package dev.trainer4j.plugins.callbacks.report;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class ReportChartsTest {

    private static Map<String, Object> record(String event, long step, double time, Object... keysAndValues) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("event", event);
        record.put("step", step);
        record.put("epoch", step / 10.0);
        record.put("time", time);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            record.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return record;
    }

    private static Chart chart(List<Chart> charts, String id) {
        return charts.stream().filter(chart -> chart.id().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no chart " + id + " in " + charts.stream().map(Chart::id).toList()));
    }

    @Test
    void lossLearningRateAndEvaluationSeriesAgainstTheStep() {
        MetricsLog log = new MetricsLog(List.of(
                record("log", 5, 100.0, "loss", 1.0, "learning_rate", 4e-5),
                record("log", 10, 102.5, "loss", 0.75, "learning_rate", 3e-5),
                record("evaluate", 10, 103.0, "eval_loss", 0.8, "eval_accuracy", 0.5, "eval_val_f1", 0.25, "eval_runtime", 0.5),
                record("log", 10, 103.0, "eval_loss", 0.8, "eval_accuracy", 0.5, "eval_val_f1", 0.25, "eval_runtime", 0.5),
                record("log", 10, 103.0, "train_epoch_loss", 0.875),
                record("log", 15, 105.0, "loss", "NaN", "learning_rate", 2e-5),
                record("log", 20, 107.5, "loss", 0.5, "learning_rate", 1e-5),
                record("evaluate", 20, 108.0, "eval_loss", 0.7, "eval_accuracy", 0.625, "eval_val_f1", 0.5, "eval_runtime", 0.5),
                record("predict", 20, 109.0, "test_loss", 0.6)));

        List<Chart> charts = ReportCharts.of(log);

        assertThat(charts).extracting(Chart::id).containsExactly("plot-loss", "plot-eval-accuracy", "plot-eval-val-f1",
                "plot-learning-rate", "plot-throughput");
        Chart loss = chart(charts, "plot-loss");
        assertThat(loss.series()).extracting(Chart.Series::name).containsExactly("train loss", "train loss (epoch)", "eval loss");
        // the NaN at step 15 is not a point
        assertThat(loss.series().get(0).points()).containsExactly(new Chart.Point(5, 1.0), new Chart.Point(10, 0.75),
                new Chart.Point(20, 0.5));
        assertThat(loss.series().get(1).points()).containsExactly(new Chart.Point(10, 0.875));
        assertThat(loss.series().get(2).points()).containsExactly(new Chart.Point(10, 0.8), new Chart.Point(20, 0.7));
        assertThat(chart(charts, "plot-eval-val-f1").series().get(0).points())
                .containsExactly(new Chart.Point(10, 0.25), new Chart.Point(20, 0.5));
        assertThat(chart(charts, "plot-learning-rate").series().get(0).points()).containsExactly(new Chart.Point(5, 4e-5),
                new Chart.Point(10, 3e-5), new Chart.Point(15, 2e-5), new Chart.Point(20, 1e-5));
        assertThat(chart(charts, "plot-learning-rate").includeZero()).isTrue();
    }

    @Test
    void throughputIsDerivedFromConsecutiveTrainingLogTimes() {
        MetricsLog log = new MetricsLog(List.of(
                record("log", 5, 100.0, "loss", 1.0),
                record("evaluate", 5, 101.0, "eval_loss", 1.0),
                record("log", 5, 101.0, "eval_loss", 1.0),
                record("log", 10, 102.5, "loss", 0.9),
                record("log", 20, 106.5, "loss", 0.8)));

        Chart throughput = chart(ReportCharts.of(log), "plot-throughput");

        assertThat(throughput.series()).hasSize(1);
        assertThat(throughput.series().get(0).name()).isEqualTo("steps/s (from log times)");
        List<Chart.Point> points = throughput.series().get(0).points();
        assertThat(points).hasSize(2);
        assertThat(points.get(0).step()).isEqualTo(10);
        assertThat(points.get(0).value()).isCloseTo(5 / 2.5, within(1e-12));
        assertThat(points.get(1).step()).isEqualTo(20);
        assertThat(points.get(1).value()).isCloseTo(10 / 4.0, within(1e-12));
    }

    @Test
    void loggedThroughputOfTwoPointsOrMoreIsPlottedAsIs() {
        MetricsLog log = new MetricsLog(List.of(
                record("log", 5, 100.0, "loss", 1.0, "samples_per_second", 120.0),
                record("log", 10, 102.0, "loss", 0.9, "samples_per_second", 130.0),
                record("log", 10, 102.0, "train_runtime", 2.0, "train_samples_per_second", 125.0)));

        Chart throughput = chart(ReportCharts.of(log), "plot-throughput");

        assertThat(throughput.series()).extracting(Chart.Series::name).containsExactly("samples_per_second");
        assertThat(throughput.series().get(0).points()).containsExactly(new Chart.Point(5, 120.0), new Chart.Point(10, 130.0));
    }

    @Test
    void evaluationMetricsComeFromLogEventsWhenThereAreNoEvaluateEvents() {
        MetricsLog log = new MetricsLog(List.of(
                record("log", 10, 100.0, "eval_loss", 0.5, "eval_accuracy", 0.75, "eval_samples_per_second", 9.0)));

        List<Chart> charts = ReportCharts.of(log);

        assertThat(charts).extracting(Chart::id).containsExactly("plot-loss", "plot-eval-accuracy");
        assertThat(chart(charts, "plot-loss").series()).extracting(Chart.Series::name).containsExactly("eval loss");
    }

    @Test
    void axesUseNiceTicksThatCoverTheValues() {
        assertThat(ChartLayout.Axis.niceStep(0.23)).isEqualTo(0.25);
        assertThat(ChartLayout.Axis.niceStep(0.2)).isEqualTo(0.2);
        assertThat(ChartLayout.Axis.niceStep(13)).isEqualTo(20);
        assertThat(ChartLayout.Axis.niceStep(31)).isEqualTo(50);

        ChartLayout.Axis steps = ChartLayout.Axis.of(5, 60);
        assertThat(steps.step()).isEqualTo(20);
        assertThat(steps.ticks()).containsExactly(0.0, 20.0, 40.0, 60.0);
        assertThat(steps.ticks().stream().map(steps::label).toList()).containsExactly("0", "20", "40", "60");

        ChartLayout.Axis loss = ChartLayout.Axis.of(0.21, 1.07);
        assertThat(loss.step()).isEqualTo(0.2);
        assertThat(loss.min()).isCloseTo(0.2, within(1e-12));
        assertThat(loss.max()).isCloseTo(1.2, within(1e-12));
        assertThat(loss.ticks().stream().map(loss::label).toList()).containsExactly("0.2", "0.4", "0.6", "0.8", "1.0", "1.2");

        // 4 % headroom: [0.1756, 1.1044] → ticks of 0.2 from 0 to 1.2
        ChartLayout.Axis padded = ChartLayout.Axis.of(0.21, 1.07, 0.04);
        assertThat(padded.min()).isEqualTo(0.0);
        assertThat(padded.max()).isCloseTo(1.2, within(1e-12));
        // a value on a tick gets a tick of room above it; a 0 floor stays at 0
        ChartLayout.Axis flat = ChartLayout.Axis.of(0, 4.0, 0.04);
        assertThat(flat.min()).isEqualTo(0.0);
        assertThat(flat.max()).isEqualTo(5.0);

        ChartLayout.Axis single = ChartLayout.Axis.of(4.0, 4.0);
        assertThat(single.min()).isLessThan(4.0);
        assertThat(single.max()).isGreaterThan(4.0);

        ChartLayout.Axis rates = ChartLayout.Axis.of(0, 5e-5);
        assertThat(rates.label(5e-5)).isEqualTo("5.00e-5");
        assertThat(rates.label(0)).isEqualTo("0");
    }

    @Test
    void valuesAreFormattedForTables() {
        assertThat(ChartLayout.formatValue(60.0)).isEqualTo("60");
        assertThat(ChartLayout.formatValue(0.912345678)).isEqualTo("0.912346");
        assertThat(ChartLayout.formatValue(5e-5)).isEqualTo("5e-05");
        assertThat(ChartLayout.formatValue(1.2345678e7 + 0.5)).isEqualTo("1.23457e+07");
    }

    @Test
    void htmlEscapingRemovesMarkupAndAddresses() {
        assertThat(Html.escape("<a href='x'>&\"https://x.org\"</a>"))
                .isEqualTo("&lt;a href=&#39;x&#39;&gt;&amp;&quot;https&#58;//x.org&quot;&lt;/a&gt;");
        assertThat(Html.scriptJson("{\"a\":\"</script> & http://x\"}"))
                .isEqualTo("{\"a\":\"\\u003c/script\\u003e \\u0026 http:\\/\\/x\"}");
    }
}
