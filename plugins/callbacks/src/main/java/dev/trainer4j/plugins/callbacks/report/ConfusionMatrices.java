package dev.trainer4j.plugins.callbacks.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The confusion matrices a run logged: the {@code confusion-matrix} metric reports one key per cell,
 * {@code confusion-matrix/<true class>/<predicted class>}, which the evaluation prefixes ({@code eval_},
 * {@code eval_<set>_}, {@code test_}). For each prefix the matrix of the last record holding its cells is drawn as an
 * SVG heat map (rows the true class, columns the predicted class, classes in the order the keys first appear). These
 * keys are not drawn as curves.
 */
final class ConfusionMatrices {
    private static final Pattern CELL = Pattern.compile("^(.*)confusion-matrix/([^/]+)/([^/]+)$");
    private static final int CELL_SIZE = 44;
    private static final int LABEL_SPACE = 110;

    private ConfusionMatrices() {
    }

    /**
     * One matrix.
     *
     * @param prefix the key prefix, e.g. {@code eval_}
     * @param step the step of the record it comes from, or -1
     * @param classes the classes, rows and columns
     * @param cells row-major values, NaN where the record has no value
     */
    record Matrix(String prefix, long step, List<String> classes, double[][] cells) {
        String id() {
            return "confusion-matrix-" + ReportCharts.slug(prefix.isEmpty() ? "run" : prefix);
        }
    }

    /** True for a confusion-matrix cell key, which is left out of the curves. */
    static boolean isCell(String key) {
        return CELL.matcher(key).matches();
    }

    static List<Matrix> of(MetricsLog log) {
        List<Map<String, Object>> records = log.events("evaluate");
        if (records.isEmpty()) {
            records = log.records();
        }
        Map<String, Map<String, Object>> lastByPrefix = new LinkedHashMap<>();
        for (Map<String, Object> record : records) {
            LinkedHashSet<String> prefixes = new LinkedHashSet<>();
            for (String key : record.keySet()) {
                Matcher matcher = CELL.matcher(key);
                if (matcher.matches()) {
                    prefixes.add(matcher.group(1));
                }
            }
            prefixes.forEach(prefix -> lastByPrefix.put(prefix, record));
        }
        List<Matrix> matrices = new ArrayList<>();
        lastByPrefix.forEach((prefix, record) -> matrices.add(matrix(prefix, record)));
        return matrices;
    }

    private static Matrix matrix(String prefix, Map<String, Object> record) {
        LinkedHashSet<String> classes = new LinkedHashSet<>();
        Map<String, OptionalDouble> values = new LinkedHashMap<>();
        for (String key : record.keySet()) {
            Matcher matcher = CELL.matcher(key);
            if (matcher.matches() && matcher.group(1).equals(prefix)) {
                classes.add(matcher.group(2));
                classes.add(matcher.group(3));
                values.put(matcher.group(2) + "/" + matcher.group(3), MetricsLog.number(record, key));
            }
        }
        List<String> ordered = List.copyOf(classes);
        double[][] cells = new double[ordered.size()][ordered.size()];
        for (int row = 0; row < ordered.size(); row++) {
            for (int column = 0; column < ordered.size(); column++) {
                OptionalDouble value = values.getOrDefault(ordered.get(row) + "/" + ordered.get(column),
                        OptionalDouble.empty());
                cells[row][column] = value.orElse(Double.NaN);
            }
        }
        long step = MetricsLog.number(record, "step").stream().mapToLong(value -> (long) value).findFirst().orElse(-1);
        return new Matrix(prefix, step, ordered, cells);
    }

    /** The matrix as inline SVG (no namespace attribute: the page names no address). */
    static String svg(Matrix matrix) {
        int size = matrix.classes().size();
        double largest = 0;
        for (double[] row : matrix.cells()) {
            for (double value : row) {
                if (Double.isFinite(value)) {
                    largest = Math.max(largest, Math.abs(value));
                }
            }
        }
        int width = LABEL_SPACE + size * CELL_SIZE + 10;
        int height = LABEL_SPACE + size * CELL_SIZE + 10;
        StringBuilder svg = new StringBuilder();
        svg.append("<svg viewBox=\"0 0 ").append(width).append(' ').append(height).append("\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" role=\"img\" aria-label=\"confusion matrix\">\n");
        svg.append("<text x=\"").append(LABEL_SPACE + size * CELL_SIZE / 2).append("\" y=\"14\" text-anchor=\"middle\"")
                .append(" font-size=\"12\" fill=\"#555\">predicted class</text>\n");
        svg.append("<text x=\"14\" y=\"").append(LABEL_SPACE + size * CELL_SIZE / 2).append("\" text-anchor=\"middle\"")
                .append(" font-size=\"12\" fill=\"#555\" transform=\"rotate(-90 14 ")
                .append(LABEL_SPACE + size * CELL_SIZE / 2).append(")\">true class</text>\n");
        for (int index = 0; index < size; index++) {
            String name = Html.escape(abbreviate(matrix.classes().get(index)));
            int center = LABEL_SPACE + index * CELL_SIZE + CELL_SIZE / 2;
            svg.append("<text class=\"column-label\" x=\"").append(center).append("\" y=\"").append(LABEL_SPACE - 6)
                    .append("\" font-size=\"11\" text-anchor=\"start\" transform=\"rotate(-60 ").append(center)
                    .append(' ').append(LABEL_SPACE - 6).append(")\">").append(name).append("</text>\n");
            svg.append("<text class=\"row-label\" x=\"").append(LABEL_SPACE - 6).append("\" y=\"").append(center + 4)
                    .append("\" font-size=\"11\" text-anchor=\"end\">").append(name).append("</text>\n");
        }
        for (int row = 0; row < size; row++) {
            for (int column = 0; column < size; column++) {
                double value = matrix.cells()[row][column];
                double intensity = largest == 0 || !Double.isFinite(value) ? 0 : Math.abs(value) / largest;
                int x = LABEL_SPACE + column * CELL_SIZE;
                int y = LABEL_SPACE + row * CELL_SIZE;
                svg.append("<rect class=\"cell\" data-row=\"").append(row).append("\" data-column=\"").append(column)
                        .append("\" x=\"").append(x).append("\" y=\"").append(y).append("\" width=\"").append(CELL_SIZE)
                        .append("\" height=\"").append(CELL_SIZE).append("\" fill=\"").append(colour(intensity))
                        .append("\" stroke=\"#d6d8dc\"/>\n");
                svg.append("<text x=\"").append(x + CELL_SIZE / 2).append("\" y=\"").append(y + CELL_SIZE / 2 + 4)
                        .append("\" font-size=\"11\" text-anchor=\"middle\" fill=\"")
                        .append(intensity > 0.55 ? "#fff" : "#222").append("\">")
                        .append(Double.isNaN(value) ? "" : Html.escape(ChartLayout.formatValue(round(value))))
                        .append("</text>\n");
            }
        }
        return svg.append("</svg>").toString();
    }

    /** White to the report's blue by intensity in [0, 1]. */
    static String colour(double intensity) {
        int red = (int) Math.round(255 + (43 - 255) * intensity);
        int green = (int) Math.round(255 + (108 - 255) * intensity);
        int blue = (int) Math.round(255 + (176 - 255) * intensity);
        return String.format(Locale.ROOT, "#%02x%02x%02x", red, green, blue);
    }

    private static double round(double value) {
        return value == Math.rint(value) ? value : Math.round(value * 1000) / 1000.0;
    }

    private static String abbreviate(String name) {
        return name.length() <= 16 ? name : name.substring(0, 15) + "…";
    }
}
