package dev.trainer4j.plugins.callbacks.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeMap;

/**
 * Derives the report's plots from the metrics records, each against the global step:
 * <ul>
 *   <li>{@code plot-loss}: training {@code loss} of the log events, the per-epoch {@code train_epoch_loss} when
 *       logged, and {@code eval_loss};</li>
 *   <li>{@code plot-eval-<metric>}: every other evaluation metric ({@code eval_accuracy → plot-eval-accuracy},
 *       a named set {@code eval_val_f1 → plot-eval-val-f1}); runtime and throughput keys and confusion-matrix
 *       cells (drawn by {@link ConfusionMatrices}) are left out;</li>
 *   <li>{@code plot-learning-rate}: {@code learning_rate};</li>
 *   <li>{@code plot-throughput}: logged {@code *samples_per_second}, {@code *steps_per_second} or
 *       {@code *tokens_per_second} series of two points or more; without them, steps/s derived from consecutive
 *       training log events ({@code Δstep / Δtime}).</li>
 * </ul>
 * Evaluation values come from the evaluate events, or from log events when the run has no evaluate events (the loop
 * logs its evaluation metrics too, so both would show the same points). A value at a step that occurs twice keeps
 * the last one. Plots without any finite point are left out.
 */
final class ReportCharts {
    static final String LOSS = "plot-loss";
    static final String LEARNING_RATE = "plot-learning-rate";
    static final String THROUGHPUT = "plot-throughput";
    private static final Set<String> EVAL_NON_METRICS = Set.of("loss", "runtime", "samples_per_second", "steps_per_second",
            "tokens_per_second", "model_preparation_time");

    private ReportCharts() {
    }

    static List<Chart> of(MetricsLog log) {
        List<Map<String, Object>> logs = log.events("log");
        List<Map<String, Object>> evaluations = log.events("evaluate");
        if (evaluations.isEmpty()) {
            evaluations = logs.stream().filter(record -> record.keySet().stream().anyMatch(key -> key.startsWith("eval_"))).toList();
        }
        List<Map<String, Object>> trainingLogs = logs.stream()
                .filter(record -> record.keySet().stream().noneMatch(key -> key.startsWith("eval_") || key.startsWith("test_")))
                .toList();

        List<Chart> charts = new ArrayList<>();
        addChart(charts, LOSS, "Loss", "loss", false, List.of(
                series("train loss", trainingLogs, "loss"),
                series("train loss (epoch)", trainingLogs, "train_epoch_loss"),
                series("eval loss", evaluations, "eval_loss")));

        Set<String> metrics = new LinkedHashSet<>();
        for (Map<String, Object> record : evaluations) {
            for (String key : record.keySet()) {
                if (key.startsWith("eval_") && !isEvalNonMetric(key.substring("eval_".length()))
                        && !ConfusionMatrices.isCell(key)) {
                    metrics.add(key);
                }
            }
        }
        Set<String> ids = new LinkedHashSet<>();
        for (String key : metrics) {
            String metric = key.substring("eval_".length());
            String id = "plot-eval-" + slug(metric);
            for (int n = 2; !ids.add(id); n++) {
                id = "plot-eval-" + slug(metric) + "-" + n;
            }
            addChart(charts, id, "Eval " + metric, metric, false, List.of(series(key, evaluations, key)));
        }

        addChart(charts, LEARNING_RATE, "Learning rate", "learning rate", true, List.of(series("learning_rate", trainingLogs, "learning_rate")));
        addChart(charts, THROUGHPUT, "Throughput", "per second", true, throughput(logs));
        return charts;
    }

    private static boolean isEvalNonMetric(String name) {
        return EVAL_NON_METRICS.stream().anyMatch(suffix -> name.equals(suffix) || name.endsWith("_" + suffix));
    }

    private static List<Chart.Series> throughput(List<Map<String, Object>> logs) {
        Set<String> keys = new LinkedHashSet<>();
        for (Map<String, Object> record : logs) {
            for (String key : record.keySet()) {
                if (!key.startsWith("eval_") && !key.startsWith("test_") && (key.endsWith("samples_per_second")
                        || key.endsWith("steps_per_second") || key.endsWith("tokens_per_second"))) {
                    keys.add(key);
                }
            }
        }
        List<Chart.Series> logged = keys.stream().map(key -> series(key, logs, key))
                .filter(series -> series.points().size() >= 2).toList();
        if (!logged.isEmpty()) {
            return logged;
        }
        List<Chart.Point> derived = new ArrayList<>();
        Map<String, Object> previous = null;
        for (Map<String, Object> record : logs) {
            if (!record.containsKey("loss")) {
                continue;
            }
            if (previous != null) {
                OptionalDouble step = MetricsLog.number(record, "step");
                OptionalDouble previousStep = MetricsLog.number(previous, "step");
                OptionalDouble time = MetricsLog.number(record, "time");
                OptionalDouble previousTime = MetricsLog.number(previous, "time");
                if (step.isPresent() && previousStep.isPresent() && time.isPresent() && previousTime.isPresent()) {
                    double steps = step.getAsDouble() - previousStep.getAsDouble();
                    double seconds = time.getAsDouble() - previousTime.getAsDouble();
                    if (steps > 0 && seconds > 0) {
                        derived.add(new Chart.Point(step.getAsDouble(), steps / seconds));
                    }
                }
            }
            previous = record;
        }
        return List.of(new Chart.Series("steps/s (from log times)", derived));
    }

    /** The finite values of {@code key} by step; a repeated step keeps its last value. */
    private static Chart.Series series(String name, List<Map<String, Object>> records, String key) {
        TreeMap<Double, Double> byStep = new TreeMap<>();
        for (Map<String, Object> record : records) {
            OptionalDouble step = MetricsLog.number(record, "step");
            OptionalDouble value = MetricsLog.number(record, key);
            if (step.isPresent() && value.isPresent()) {
                byStep.put(step.getAsDouble(), value.getAsDouble());
            }
        }
        List<Chart.Point> points = new ArrayList<>();
        byStep.forEach((step, value) -> points.add(new Chart.Point(step, value)));
        return new Chart.Series(name, points);
    }

    private static void addChart(List<Chart> charts, String id, String title, String yLabel, boolean includeZero,
                                 List<Chart.Series> series) {
        List<Chart.Series> nonEmpty = series.stream().filter(curve -> !curve.points().isEmpty()).toList();
        if (!nonEmpty.isEmpty()) {
            charts.add(new Chart(id, title, yLabel, nonEmpty, includeZero));
        }
    }

    /** A name as an id part: lower case letters, digits and single dashes. */
    static String slug(String name) {
        String slug = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-|-$", "");
        return slug.isEmpty() ? "metric" : slug;
    }
}
