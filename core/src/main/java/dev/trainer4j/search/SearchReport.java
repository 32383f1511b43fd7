package dev.trainer4j.search;

import dev.trainer4j.api.SearchParameter;
import dev.trainer4j.api.SearchResult;
import dev.trainer4j.api.SearchSpace;
import dev.trainer4j.api.TrialResult;
import dev.trainer4j.api.TrialState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@value #FILE} in a search's output dir: a self-contained page (inline SVG, no scripts) with a table of every
 * trial and the plots of the objective by trial and of each parameter against the objective (a log axis for log
 * ranges; categorical choices in order). Complete trials are blue dots, pruned ones orange, the best one is ringed;
 * failed trials have no objective and appear only in the table. The run report ({@code report.html}) of each trial
 * stays in its own folder.
 */
final class SearchReport {
    static final String FILE = "hpo_report.html";
    private static final int WIDTH = 560;
    private static final int HEIGHT = 300;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 20;
    private static final int BOTTOM = 50;

    private SearchReport() {
    }

    static void write(Path outputDir, SearchSpace space, String objectiveName, SearchResult result) {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Hyperparameter search</title>\n")
                .append("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}")
                .append("td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}tr.best{background:#e8f4e8}")
                .append("figure{display:inline-block;margin:1em}</style></head><body>\n")
                .append("<h1>Hyperparameter search</h1>\n<p>").append(result.trials().size()).append(" trials, ")
                .append(count(result, TrialState.COMPLETE)).append(" complete, ").append(count(result, TrialState.PRUNED))
                .append(" pruned, ").append(count(result, TrialState.FAILED)).append(" failed; objective ")
                .append(escape(objectiveName)).append(" (").append(result.direction().configName()).append(")");
        result.bestTrial().ifPresent(best -> html.append("; best: trial ").append(best.number()).append(" with ")
                .append(number(best.objective().getAsDouble())));
        html.append("</p>\n");
        table(html, space, result);
        int best = result.bestTrial().map(TrialResult::number).orElse(-1);
        List<double[]> byTrial = new ArrayList<>();
        List<TrialResult> plotted = plotted(result);
        for (TrialResult trial : plotted) {
            byTrial.add(new double[] {trial.number(), trial.objective().getAsDouble()});
        }
        html.append(plot("objective by trial", "trial", objectiveName, byTrial, plotted, best, false, null));
        for (SearchParameter parameter : space.parameters()) {
            List<double[]> points = new ArrayList<>();
            List<String> labels = null;
            boolean log = false;
            if (parameter instanceof SearchParameter.Categorical categorical) {
                labels = categorical.choices().stream().map(String::valueOf).toList();
            }
            else {
                log = parameter instanceof SearchParameter.FloatRange range ? range.log() : ((SearchParameter.IntRange) parameter).log();
            }
            for (TrialResult trial : plotted) {
                Object value = trial.parameters().get(parameter.key());
                double x = parameter instanceof SearchParameter.Categorical categorical
                        ? TpeParameterSampler.CategoricalEstimator.indexOf(categorical.choices(), value)
                        : ((Number) value).doubleValue();
                points.add(new double[] {log ? Math.log10(x) : x, trial.objective().getAsDouble()});
            }
            html.append(plot(parameter.key() + " against the objective", (log ? "log10 " : "") + parameter.key(),
                    objectiveName, points, plotted, best, true, labels));
        }
        html.append("</body></html>\n");
        Path file = outputDir.resolve(FILE);
        Path temporary = outputDir.resolve("." + FILE + ".tmp");
        try {
            Files.writeString(temporary, html, StandardCharsets.UTF_8);
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static long count(SearchResult result, TrialState state) {
        return result.trials().stream().filter(trial -> trial.state() == state).count();
    }

    private static List<TrialResult> plotted(SearchResult result) {
        return result.trials().stream().filter(trial -> trial.state() != TrialState.FAILED)
                .filter(trial -> Double.isFinite(trial.objective().getAsDouble())).toList();
    }

    private static void table(StringBuilder html, SearchSpace space, SearchResult result) {
        int best = result.bestTrial().map(TrialResult::number).orElse(-1);
        html.append("<table><tr><th>trial</th><th>state</th><th>objective</th><th>steps</th>");
        for (SearchParameter parameter : space.parameters()) {
            html.append("<th>").append(escape(parameter.key())).append("</th>");
        }
        html.append("<th>message</th></tr>\n");
        for (TrialResult trial : result.trials()) {
            html.append(trial.number() == best ? "<tr class=\"best\">" : "<tr>").append("<td>").append(trial.number())
                    .append("</td><td>").append(trial.state().configName()).append("</td><td>")
                    .append(trial.objective().isPresent() ? number(trial.objective().getAsDouble()) : "-")
                    .append("</td><td>").append(trial.trainedSteps()).append("</td>");
            for (SearchParameter parameter : space.parameters()) {
                Object value = trial.parameters().get(parameter.key());
                html.append("<td>").append(escape(value instanceof Double d ? number(d) : String.valueOf(value))).append("</td>");
            }
            html.append("<td style=\"text-align:left\">").append(escape(trial.message())).append("</td></tr>\n");
        }
        html.append("</table>\n");
    }

    private static String plot(String title, String xLabel, String yLabel, List<double[]> points, List<TrialResult> trials,
            int best, boolean scatter, List<String> categories) {
        StringBuilder svg = new StringBuilder();
        svg.append("<figure><figcaption>").append(escape(title)).append("</figcaption>\n<svg width=\"").append(WIDTH)
                .append("\" height=\"").append(HEIGHT).append("\" viewBox=\"0 0 ").append(WIDTH).append(' ').append(HEIGHT)
                .append("\" xmlns=\"http://www.w3.org/2000/svg\">\n");
        double[] x = range(points, 0, categories);
        double[] y = range(points, 1, null);
        int plotWidth = WIDTH - LEFT - RIGHT;
        int plotHeight = HEIGHT - TOP - BOTTOM;
        svg.append("<rect x=\"").append(LEFT).append("\" y=\"").append(TOP).append("\" width=\"").append(plotWidth)
                .append("\" height=\"").append(plotHeight).append("\" fill=\"none\" stroke=\"#333\"/>\n");
        for (int tick = 0; tick <= 4; tick++) {
            double yValue = y[0] + (y[1] - y[0]) * tick / 4;
            double yPixel = TOP + plotHeight - plotHeight * tick / 4.0;
            svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\">%s</text>\n",
                    LEFT - 4, yPixel + 4, number(yValue)));
            if (categories == null) {
                double xValue = x[0] + (x[1] - x[0]) * tick / 4;
                double xPixel = LEFT + plotWidth * tick / 4.0;
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>\n",
                        xPixel, TOP + plotHeight + 15, number(xValue)));
            }
        }
        if (categories != null) {
            for (int i = 0; i < categories.size(); i++) {
                double xPixel = LEFT + plotWidth * (i - x[0]) / (x[1] - x[0]);
                svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>\n",
                        xPixel, TOP + plotHeight + 15, escape(categories.get(i))));
            }
        }
        svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\">%s</text>\n",
                LEFT + plotWidth / 2, HEIGHT - 10, escape(xLabel)));
        svg.append(String.format(Locale.ROOT, "<text x=\"12\" y=\"%d\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 12 %d)\">%s</text>\n",
                TOP + plotHeight / 2, TOP + plotHeight / 2, escape(yLabel)));
        if (!scatter && points.size() > 1) {
            StringBuilder line = new StringBuilder();
            for (double[] point : points) {
                line.append(String.format(Locale.ROOT, "%.1f,%.1f ", pixelX(point[0], x, plotWidth), pixelY(point[1], y, plotHeight)));
            }
            svg.append("<polyline fill=\"none\" stroke=\"#bbb\" points=\"").append(line.toString().trim()).append("\"/>\n");
        }
        for (int i = 0; i < points.size(); i++) {
            double[] point = points.get(i);
            TrialResult trial = trials.get(i);
            String color = trial.state() == TrialState.PRUNED ? "#e08020" : "#2060c0";
            svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" fill=\"%s\"><title>trial %d: %s</title></circle>\n",
                    pixelX(point[0], x, plotWidth), pixelY(point[1], y, plotHeight), color, trial.number(), number(point[1])));
            if (trial.number() == best) {
                svg.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"8\" fill=\"none\" stroke=\"#20a040\" stroke-width=\"2\"/>\n",
                        pixelX(point[0], x, plotWidth), pixelY(point[1], y, plotHeight)));
            }
        }
        svg.append("</svg></figure>\n");
        return svg.toString();
    }

    private static double pixelX(double value, double[] range, int plotWidth) {
        return LEFT + plotWidth * (value - range[0]) / (range[1] - range[0]);
    }

    private static double pixelY(double value, double[] range, int plotHeight) {
        return TOP + plotHeight - plotHeight * (value - range[0]) / (range[1] - range[0]);
    }

    /** The axis range of coordinate {@code index}, padded by 5 % (half a slot for categories). */
    private static double[] range(List<double[]> points, int index, List<String> categories) {
        if (categories != null) {
            return new double[] {-0.5, categories.size() - 0.5};
        }
        double low = Double.POSITIVE_INFINITY;
        double high = Double.NEGATIVE_INFINITY;
        for (double[] point : points) {
            low = Math.min(low, point[index]);
            high = Math.max(high, point[index]);
        }
        if (points.isEmpty()) {
            return new double[] {0, 1};
        }
        if (low == high) {
            return new double[] {low - 1, high + 1};
        }
        double pad = (high - low) * 0.05;
        return new double[] {low - pad, high + pad};
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.4g", value);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
