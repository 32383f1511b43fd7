package dev.trainer4j.plugins.callbacks.report;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The geometry both renderers share: a {@value #WIDTH}×{@value #HEIGHT} canvas, the plot area inside the margins,
 * "nice" axis ranges and ticks (1, 2, 2.5 or 5 × 10^k), and value-to-pixel mapping.
 */
final class ChartLayout {
    static final int WIDTH = 800;
    static final int HEIGHT = 420;
    static final int LEFT = 78;
    static final int RIGHT = 24;
    static final int TOP = 58;
    static final int BOTTOM = 56;
    static final int PLOT_WIDTH = WIDTH - LEFT - RIGHT;
    static final int PLOT_HEIGHT = HEIGHT - TOP - BOTTOM;
    /** Colours of the series, in order (colour-blind friendly: Okabe-Ito). */
    static final List<String> PALETTE = List.of("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000");
    private static final int TARGET_TICKS = 6;
    /** The value axis leaves this fraction of the range free above and below the values (not below a 0 floor). */
    private static final double VALUE_HEADROOM = 0.04;

    private final Chart chart;
    private final Axis x;
    private final Axis y;

    ChartLayout(Chart chart) {
        this.chart = chart;
        double minX = Double.POSITIVE_INFINITY;
        double maxX = Double.NEGATIVE_INFINITY;
        double minY = Double.POSITIVE_INFINITY;
        double maxY = Double.NEGATIVE_INFINITY;
        for (Chart.Series series : chart.series()) {
            for (Chart.Point point : series.points()) {
                minX = Math.min(minX, point.step());
                maxX = Math.max(maxX, point.step());
                minY = Math.min(minY, point.value());
                maxY = Math.max(maxY, point.value());
            }
        }
        if (chart.includeZero()) {
            minY = Math.min(minY, 0);
            maxY = Math.max(maxY, 0);
        }
        this.x = Axis.of(minX, maxX);
        this.y = Axis.of(minY, maxY, VALUE_HEADROOM);
    }

    Chart chart() {
        return chart;
    }

    Axis x() {
        return x;
    }

    Axis y() {
        return y;
    }

    double pixelX(double step) {
        return LEFT + (step - x.min()) / (x.max() - x.min()) * PLOT_WIDTH;
    }

    double pixelY(double value) {
        return TOP + PLOT_HEIGHT - (value - y.min()) / (y.max() - y.min()) * PLOT_HEIGHT;
    }

    static String color(int seriesIndex) {
        return PALETTE.get(seriesIndex % PALETTE.size());
    }

    /** Whether a series is drawn with point markers: short series and single points need them to be seen. */
    static boolean markers(Chart.Series series) {
        return series.points().size() <= 60;
    }

    /**
     * An axis range widened to whole ticks.
     *
     * @param min   the lowest tick
     * @param max   the highest tick
     * @param ticks the tick values from min to max
     * @param step  the distance between ticks
     */
    record Axis(double min, double max, List<Double> ticks, double step) {

        static Axis of(double low, double high) {
            return of(low, high, 0);
        }

        /** Ticks covering {@code [low, high]} widened by {@code headroom × range} on each side (never below 0 when low is 0). */
        static Axis of(double low, double high, double headroom) {
            double room = (high - low) * headroom;
            high += room;
            low = low == 0 ? 0 : low - room;
            if (low == high) {
                double pad = low == 0 ? 1 : Math.abs(low) * 0.1;
                low -= pad;
                high += pad;
            }
            double step = niceStep((high - low) / (TARGET_TICKS - 1));
            double min = Math.floor(low / step) * step;
            double max = Math.ceil(high / step) * step;
            List<Double> ticks = new ArrayList<>();
            long count = Math.round((max - min) / step);
            for (long i = 0; i <= count; i++) {
                ticks.add(min + i * step);
            }
            return new Axis(min, max, List.copyOf(ticks), step);
        }

        /** The smallest of 1, 2, 2.5, 5 × 10^k that is at least {@code raw}. */
        static double niceStep(double raw) {
            double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
            for (double factor : new double[] {1, 2, 2.5, 5, 10}) {
                if (factor * magnitude >= raw * (1 - 1e-9)) {
                    return factor * magnitude;
                }
            }
            return 10 * magnitude;
        }

        /** A tick label: plain decimals with just the digits the tick step needs, scientific for tiny/huge. */
        String label(double value) {
            if (Math.abs(value) < step * 1e-6) {
                return "0";
            }
            double magnitude = Math.max(Math.abs(min), Math.abs(max));
            if (magnitude >= 1e6 || magnitude < 1e-3) {
                return String.format(Locale.ROOT, "%.2e", value).replace("e+0", "e").replace("e-0", "e-").replace("e+", "e");
            }
            int decimals = Math.max(0, -(int) Math.floor(Math.log10(step) + 1e-9));
            if (new BigDecimal(Double.toString(step)).stripTrailingZeros().scale() > decimals) {
                decimals = new BigDecimal(Double.toString(step)).stripTrailingZeros().scale();
            }
            return new BigDecimal(value).setScale(decimals, java.math.RoundingMode.HALF_EVEN).toPlainString();
        }
    }

    /** A number for tables and tooltips: up to 6 significant digits, no exponent for everyday magnitudes. */
    static String formatValue(double value) {
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return Double.toString(value);
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        double magnitude = Math.abs(value);
        if (magnitude >= 1e6 || magnitude < 1e-4) {
            return String.format(Locale.ROOT, "%.5e", value).replaceAll("0+e", "e").replace(".e", "e");
        }
        return new BigDecimal(value).round(new java.math.MathContext(6)).stripTrailingZeros().toPlainString();
    }
}
