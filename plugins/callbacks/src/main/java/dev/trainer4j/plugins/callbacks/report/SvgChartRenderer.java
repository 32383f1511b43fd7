package dev.trainer4j.plugins.callbacks.report;

import java.util.List;
import java.util.Locale;

/**
 * Draws a {@link Chart} as inline SVG for report.html (no {@code xmlns}: inline SVG in HTML needs none). Every point
 * carries a {@code <title>} with its step and value, which browsers show on hover.
 */
final class SvgChartRenderer {
    private SvgChartRenderer() {
    }

    static String render(Chart chart) {
        ChartLayout layout = new ChartLayout(chart);
        StringBuilder svg = new StringBuilder();
        svg.append("<svg class=\"chart\" viewBox=\"0 0 ").append(ChartLayout.WIDTH).append(' ').append(ChartLayout.HEIGHT)
                .append("\" width=\"").append(ChartLayout.WIDTH).append("\" height=\"").append(ChartLayout.HEIGHT)
                .append("\" role=\"img\" aria-label=\"").append(Html.escape(chart.title())).append("\">\n");
        svg.append("<rect class=\"background\" x=\"0\" y=\"0\" width=\"").append(ChartLayout.WIDTH).append("\" height=\"")
                .append(ChartLayout.HEIGHT).append("\" fill=\"#ffffff\"/>\n");
        int bottom = ChartLayout.TOP + ChartLayout.PLOT_HEIGHT;
        int right = ChartLayout.LEFT + ChartLayout.PLOT_WIDTH;
        svg.append("<g class=\"grid\" stroke=\"#e3e3e3\" stroke-width=\"1\">\n");
        for (double tick : layout.y().ticks()) {
            String y = number(layout.pixelY(tick));
            svg.append("<line x1=\"").append(ChartLayout.LEFT).append("\" y1=\"").append(y).append("\" x2=\"").append(right)
                    .append("\" y2=\"").append(y).append("\"/>\n");
        }
        for (double tick : layout.x().ticks()) {
            String x = number(layout.pixelX(tick));
            svg.append("<line x1=\"").append(x).append("\" y1=\"").append(ChartLayout.TOP).append("\" x2=\"").append(x)
                    .append("\" y2=\"").append(bottom).append("\"/>\n");
        }
        svg.append("</g>\n");
        svg.append("<g class=\"axes\" stroke=\"#333333\" stroke-width=\"1\" font-size=\"12\" fill=\"#333333\">\n");
        svg.append("<line x1=\"").append(ChartLayout.LEFT).append("\" y1=\"").append(bottom).append("\" x2=\"").append(right)
                .append("\" y2=\"").append(bottom).append("\"/>\n");
        svg.append("<line x1=\"").append(ChartLayout.LEFT).append("\" y1=\"").append(ChartLayout.TOP).append("\" x2=\"")
                .append(ChartLayout.LEFT).append("\" y2=\"").append(bottom).append("\"/>\n");
        for (double tick : layout.x().ticks()) {
            String x = number(layout.pixelX(tick));
            svg.append("<line x1=\"").append(x).append("\" y1=\"").append(bottom).append("\" x2=\"").append(x).append("\" y2=\"")
                    .append(bottom + 5).append("\"/>\n");
            svg.append("<text stroke=\"none\" x=\"").append(x).append("\" y=\"").append(bottom + 19)
                    .append("\" text-anchor=\"middle\">").append(Html.escape(layout.x().label(tick))).append("</text>\n");
        }
        for (double tick : layout.y().ticks()) {
            String y = number(layout.pixelY(tick));
            svg.append("<line x1=\"").append(ChartLayout.LEFT - 5).append("\" y1=\"").append(y).append("\" x2=\"")
                    .append(ChartLayout.LEFT).append("\" y2=\"").append(y).append("\"/>\n");
            svg.append("<text stroke=\"none\" x=\"").append(ChartLayout.LEFT - 8).append("\" y=\"").append(y)
                    .append("\" dy=\"4\" text-anchor=\"end\">").append(Html.escape(layout.y().label(tick))).append("</text>\n");
        }
        svg.append("<text stroke=\"none\" class=\"x-label\" x=\"").append(ChartLayout.LEFT + ChartLayout.PLOT_WIDTH / 2)
                .append("\" y=\"").append(ChartLayout.HEIGHT - 12).append("\" text-anchor=\"middle\" font-size=\"13\">")
                .append(Chart.X_LABEL).append("</text>\n");
        svg.append("<text stroke=\"none\" class=\"y-label\" transform=\"translate(16 ").append(ChartLayout.TOP + ChartLayout.PLOT_HEIGHT / 2)
                .append(") rotate(-90)\" text-anchor=\"middle\" font-size=\"13\">").append(Html.escape(chart.yLabel())).append("</text>\n");
        svg.append("</g>\n");
        svg.append("<text class=\"title\" x=\"").append(ChartLayout.LEFT).append("\" y=\"22\" font-size=\"16\" font-weight=\"bold\" fill=\"#222222\">")
                .append(Html.escape(chart.title())).append("</text>\n");

        List<Chart.Series> series = chart.series();
        double legendX = ChartLayout.LEFT;
        for (int i = 0; i < series.size(); i++) {
            String color = ChartLayout.color(i);
            Chart.Series curve = series.get(i);
            svg.append("<g class=\"series\" data-series=\"").append(Html.escape(curve.name())).append("\" stroke=\"").append(color)
                    .append("\" fill=\"").append(color).append("\">\n");
            if (curve.points().size() > 1) {
                svg.append("<polyline fill=\"none\" stroke-width=\"2\" points=\"");
                for (Chart.Point point : curve.points()) {
                    svg.append(number(layout.pixelX(point.step()))).append(',').append(number(layout.pixelY(point.value()))).append(' ');
                }
                svg.setLength(svg.length() - 1);
                svg.append("\"/>\n");
            }
            if (ChartLayout.markers(curve)) {
                for (Chart.Point point : curve.points()) {
                    svg.append("<circle cx=\"").append(number(layout.pixelX(point.step()))).append("\" cy=\"")
                            .append(number(layout.pixelY(point.value()))).append("\" r=\"3\"><title>")
                            .append(Html.escape(curve.name())).append(" at step ").append(ChartLayout.formatValue(point.step()))
                            .append(": ").append(ChartLayout.formatValue(point.value())).append("</title></circle>\n");
                }
            }
            svg.append("</g>\n");
            svg.append("<g class=\"legend\"><rect x=\"").append(number(legendX)).append("\" y=\"34\" width=\"14\" height=\"10\" fill=\"")
                    .append(color).append("\"/><text x=\"").append(number(legendX + 19)).append("\" y=\"43\" font-size=\"12\" fill=\"#333333\">")
                    .append(Html.escape(curve.name())).append("</text></g>\n");
            legendX += 19 + 7.2 * curve.name().length() + 22;
        }
        svg.append("</svg>");
        return svg.toString();
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
