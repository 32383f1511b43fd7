package dev.trainer4j.bench;

import java.util.List;
import java.util.Locale;

/** Medians, ranges and ratios of repeated measurements, and how the runner prints them. */
public final class BenchStatistics {
    private BenchStatistics() {
    }

    /** The median (the mean of the middle two for an even count); NaN for none. */
    public static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    public static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    public static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** {@code median (min-max)} with {@code decimals} digits, e.g. {@code 1306.2 (1290.0-1311.5)}; {@code n/a} for none. */
    public static String summary(List<Double> values, int decimals) {
        if (values.isEmpty()) {
            return "n/a";
        }
        String format = "%." + decimals + "f";
        return String.format(Locale.ROOT, format + " (" + format + "-" + format + ")", median(values), min(values),
                max(values));
    }

    /**
     * {@code numerator / denominator} of two medians as {@code 1.38x}, with the target when there is one, e.g.
     * {@code 1.38x (target >= 2.00: NOT met)}; {@code n/a} when either side has no measurement.
     */
    public static String ratio(double numerator, double denominator, double target) {
        if (!(numerator > 0) || !(denominator > 0)) {
            return "n/a";
        }
        double ratio = numerator / denominator;
        String text = String.format(Locale.ROOT, "%.2fx", ratio);
        if (target > 0) {
            text += String.format(Locale.ROOT, " (target >= %.2f: %s)", target, ratio >= target ? "met" : "NOT met");
        }
        return text;
    }

    /** The largest relative difference |a - b| / |b| over the common steps of two loss series; NaN for none. */
    public static double maxRelativeDifference(List<Double> a, List<Double> b) {
        int n = Math.min(a.size(), b.size());
        if (n == 0) {
            return Double.NaN;
        }
        double max = 0;
        for (int i = 0; i < n; i++) {
            double reference = Math.abs(b.get(i));
            max = Math.max(max, Math.abs(a.get(i) - b.get(i)) / Math.max(reference, Float.MIN_NORMAL));
        }
        return max;
    }
}
