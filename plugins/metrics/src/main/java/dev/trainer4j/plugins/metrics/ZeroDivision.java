package dev.trainer4j.plugins.metrics;

import dev.trainer4j.api.ConfigurationException;

/**
 * The value of a precision, recall or F-score whose denominator is 0 (scikit-learn's {@code zero_division}):
 * {@code warn} and {@code 0} give 0 (scikit-learn also warns; trainer4j has nothing to warn through, so the two are
 * the same), {@code 1} gives 1, {@code nan} gives NaN and averages skip NaN classes (scikit-learn 1.3's
 * definition: precision is NaN without predicted examples, recall without true examples, F only when there are
 * neither; an average of only NaN is NaN).
 */
public enum ZeroDivision {
    WARN(0.0), ZERO(0.0), ONE(1.0), NAN(Double.NaN);

    private final double value;

    ZeroDivision(double value) {
        this.value = value;
    }

    /** The score given for a zero denominator. */
    public double value() {
        return value;
    }

    /** Parses {@code warn}, {@code 0}, {@code 1} or {@code nan}; the error names {@code key}. */
    public static ZeroDivision parse(String key, String text) {
        return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "warn" -> WARN;
            case "0", "0.0" -> ZERO;
            case "1", "1.0" -> ONE;
            case "nan" -> NAN;
            default -> throw new ConfigurationException(key, text, "one of warn, 0, 1, nan");
        };
    }

    @Override
    public String toString() {
        return switch (this) {
            case WARN -> "warn";
            case ZERO -> "0";
            case ONE -> "1";
            case NAN -> "nan";
        };
    }
}
