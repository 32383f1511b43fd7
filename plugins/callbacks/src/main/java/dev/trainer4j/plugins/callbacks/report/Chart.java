package dev.trainer4j.plugins.callbacks.report;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One plot of the report: curves against the global step.
 *
 * @param id     the stable element id in report.html and the PNG's base name, e.g. {@code plot-loss}
 * @param title  the caption
 * @param yLabel the y axis label (the x axis is always the step)
 * @param series the curves, each non-empty
 * @param includeZero whether the y axis reaches 0 (rates and throughput), instead of fitting the values
 */
record Chart(String id, String title, String yLabel, List<Series> series, boolean includeZero) {
    static final String X_LABEL = "step";

    Chart {
        requireNonNull(id, "id is null");
        requireNonNull(title, "title is null");
        requireNonNull(yLabel, "yLabel is null");
        series = List.copyOf(series);
        if (series.isEmpty() || series.stream().anyMatch(curve -> curve.points().isEmpty())) {
            throw new IllegalArgumentException("chart " + id + " needs at least one non-empty series");
        }
    }

    /** The PNG file name: the id without the {@code plot-} prefix. */
    String fileName() {
        return (id.startsWith("plot-") ? id.substring("plot-".length()) : id) + ".png";
    }

    /** A named curve; points sorted by step. */
    record Series(String name, List<Point> points) {
        Series {
            requireNonNull(name, "name is null");
            points = List.copyOf(points);
        }
    }

    /** One finite value at a step. */
    record Point(double step, double value) {
    }
}
