package dev.trainer4j.plugins.callbacks.report;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Renders report.html. Everything is inline: CSS, one SVG per plot (in {@code <figure class="plot" id="plot-…">}),
 * the records of metrics.jsonl in {@code <script type="application/json" id="metrics-data">}, and a small script
 * that, once the page is laid out, writes what the browser made of it as JSON into the hidden
 * {@code <pre id="render-info">}: each plot's box (page coordinates, CSS pixels), the records as parsed from the
 * page, and the page size, for tools that check the rendering (e.g. headless Chromium's {@code --dump-dom}).
 */
final class ReportPage {
    private static final List<String> STATE_KEYS = List.of("global_step", "max_steps", "epoch", "num_train_epochs",
            "best_metric", "best_global_step", "best_model_checkpoint", "num_non_finite_steps", "total_flos");

    private static final String STYLE = """
            :root { color-scheme: light; }
            body { margin: 0; background: #f4f5f7; color: #222; font: 14px/1.45 "DejaVu Sans", system-ui, sans-serif; }
            main { max-width: 860px; margin: 0 auto; padding: 16px 20px 40px; }
            h1 { font-size: 24px; margin: 8px 0 4px; }
            h2 { font-size: 18px; margin: 28px 0 10px; border-bottom: 1px solid #d6d8dc; padding-bottom: 4px; }
            .meta { color: #555; margin: 0 0 8px; word-break: break-all; }
            figure.plot { background: #fff; border: 1px solid #d6d8dc; border-radius: 6px; margin: 0 0 16px; padding: 8px; }
            figure.plot svg { display: block; width: 100%; height: auto; }
            figure.plot figcaption { color: #555; font-size: 12px; padding: 2px 4px 0; }
            figure.matrix { background: #fff; border: 1px solid #d6d8dc; border-radius: 6px; margin: 0 0 16px; padding: 8px; overflow-x: auto; }
            figure.matrix figcaption { color: #555; font-size: 12px; padding: 2px 4px 0; }
            table { border-collapse: collapse; background: #fff; width: 100%; border: 1px solid #d6d8dc; }
            th, td { text-align: left; padding: 4px 10px; border-bottom: 1px solid #e6e7ea; vertical-align: top; }
            th { background: #eceef1; font-weight: 600; }
            td.value { font-family: "DejaVu Sans Mono", monospace; word-break: break-all; }
            .empty { color: #777; font-style: italic; }
            #render-info { display: none; }
            """;

    private static final String SCRIPT = """
            (function () {
              function layout() {
                var boxes = {};
                document.querySelectorAll('figure.plot').forEach(function (figure) {
                  var r = figure.getBoundingClientRect();
                  boxes[figure.id] = { x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height };
                });
                var records = JSON.parse(document.getElementById('metrics-data').textContent);
                document.getElementById('render-info').textContent = JSON.stringify({
                  plots: boxes,
                  records: records,
                  pageWidth: document.documentElement.scrollWidth,
                  pageHeight: document.documentElement.scrollHeight
                });
              }
              if (document.readyState === 'loading') {
                document.addEventListener('DOMContentLoaded', layout);
              } else {
                layout();
              }
            })();
            """;

    private ReportPage() {
    }

    /** What the page shows. */
    record Content(Path outputDir, Path metricsFile, MetricsLog log, List<Chart> charts,
                   Optional<Map<String, Object>> allResults, Optional<Map<String, Object>> trainerState,
                   Optional<Map<String, Object>> arguments) {
    }

    /** The run's {@code run-name} argument when it has one, else the output dir's name, as reference.conf says. */
    static String runName(Content content) {
        Object runName = content.arguments().map(arguments -> arguments.get("run-name")).orElse(null);
        if (runName instanceof String text && !text.isBlank()) {
            return text;
        }
        return Optional.ofNullable(content.outputDir().toAbsolutePath().normalize().getFileName())
                .map(Path::toString).orElse(content.outputDir().toString());
    }

    static String render(Content content) {
        StringBuilder html = new StringBuilder(64 * 1024);
        String name = runName(content);
        html.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>trainer4j report: ").append(Html.escape(name)).append("</title>\n")
                .append("<style>\n").append(STYLE).append("</style>\n</head>\n<body>\n<main>\n");
        html.append("<h1>Training report: ").append(Html.escape(name)).append("</h1>\n");
        html.append("<p class=\"meta\">Run <b>").append(Html.escape(content.outputDir().toAbsolutePath().normalize().toString()))
                .append("</b>: <span id=\"record-count\">").append(content.log().records().size()).append("</span> records from ")
                .append(Html.escape(content.metricsFile().getFileName().toString())).append(".</p>\n");

        html.append("<section id=\"plots\">\n<h2>Curves</h2>\n");
        if (content.charts().isEmpty()) {
            html.append("<p class=\"empty\">No logged values to plot yet.</p>\n");
        }
        for (Chart chart : content.charts()) {
            html.append("<figure class=\"plot\" id=\"").append(Html.escape(chart.id())).append("\">\n")
                    .append(SvgChartRenderer.render(chart)).append('\n')
                    .append("<figcaption>").append(Html.escape(chart.title())).append(" against the step; PNG: ")
                    .append(RunReport.PLOTS_DIRECTORY).append('/').append(Html.escape(chart.fileName()))
                    .append("</figcaption>\n</figure>\n");
        }
        html.append("</section>\n");

        List<ConfusionMatrices.Matrix> matrices = ConfusionMatrices.of(content.log());
        if (!matrices.isEmpty()) {
            html.append("<section id=\"confusion-matrices\">\n<h2>Confusion matrix</h2>\n");
            for (ConfusionMatrices.Matrix matrix : matrices) {
                html.append("<figure class=\"matrix\" id=\"").append(Html.escape(matrix.id())).append("\">\n")
                        .append(ConfusionMatrices.svg(matrix)).append('\n')
                        .append("<figcaption>").append(Html.escape(matrix.prefix())).append("confusion-matrix")
                        .append(matrix.step() >= 0 ? " at step " + matrix.step() : "")
                        .append(": rows are the true class, columns the predicted class</figcaption>\n</figure>\n");
            }
            html.append("</section>\n");
        }

        html.append("<section id=\"final-metrics\">\n<h2>Final metrics</h2>\n");
        if (content.allResults().isPresent()) {
            html.append("<p class=\"meta\">From ").append(RunReport.ALL_RESULTS_FILE).append(".</p>\n");
            table(html, "metric", content.allResults().get());
        }
        else {
            html.append("<p class=\"meta\">The last value of each key in ")
                    .append(Html.escape(content.metricsFile().getFileName().toString())).append(".</p>\n");
            table(html, "metric", content.log().lastValues());
        }
        html.append("</section>\n");

        if (content.trainerState().isPresent()) {
            Map<String, Object> state = new LinkedHashMap<>();
            for (String key : STATE_KEYS) {
                if (content.trainerState().get().containsKey(key)) {
                    state.put(key, content.trainerState().get().get(key));
                }
            }
            html.append("<section id=\"run-state\">\n<h2>Run state</h2>\n<p class=\"meta\">From ")
                    .append(RunReport.TRAINER_STATE_FILE).append(".</p>\n");
            table(html, "field", state);
            html.append("</section>\n");
        }

        html.append("<section id=\"arguments\">\n<h2>Arguments</h2>\n");
        if (content.arguments().isPresent()) {
            table(html, "argument", content.arguments().get());
        }
        else {
            html.append("<p class=\"empty\">No arguments snapshot found (looked for ")
                    .append(Html.escape(String.join(", ", RunReport.ARGUMENTS_FILES))).append(").</p>\n");
        }
        html.append("</section>\n</main>\n");

        html.append("<script type=\"application/json\" id=\"metrics-data\">").append(Html.scriptJson(json(content.log().records())))
                .append("</script>\n");
        html.append("<pre id=\"render-info\"></pre>\n");
        html.append("<script>\n").append(SCRIPT).append("</script>\n</body>\n</html>\n");
        return html.toString();
    }

    private static void table(StringBuilder html, String keyHeader, Map<String, Object> rows) {
        if (rows.isEmpty()) {
            html.append("<p class=\"empty\">None.</p>\n");
            return;
        }
        html.append("<table>\n<thead><tr><th>").append(keyHeader).append("</th><th>value</th></tr></thead>\n<tbody>\n");
        for (Map.Entry<String, Object> row : rows.entrySet()) {
            html.append("<tr><td>").append(Html.escape(row.getKey())).append("</td><td class=\"value\">")
                    .append(Html.escape(cell(row.getValue()))).append("</td></tr>\n");
        }
        html.append("</tbody>\n</table>\n");
    }

    private static String cell(Object value) {
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            return json(value);
        }
        return MetricsLog.display(value);
    }

    private static String json(Object value) {
        try {
            return MetricsLog.JSON.writeValueAsString(value);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report data as JSON: " + e.getOriginalMessage(), e);
        }
    }
}
