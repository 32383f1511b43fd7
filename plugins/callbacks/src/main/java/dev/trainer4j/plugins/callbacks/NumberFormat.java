package dev.trainer4j.plugins.callbacks;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Locale;

/** Python's {@code format(x, ".4g")}, which HF uses to print logs: 0.6931, 5e-05, 1.235e+04. */
final class NumberFormat {
    private NumberFormat() {
    }

    static String fourSignificant(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        if (value == 0) {
            return "0";
        }
        BigDecimal rounded = new BigDecimal(value).round(new MathContext(4, RoundingMode.HALF_EVEN));
        int exponent = rounded.precision() - rounded.scale() - 1;
        if (exponent < -4 || exponent >= 4) {
            String mantissa = rounded.movePointLeft(exponent).stripTrailingZeros().toPlainString();
            return mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format(Locale.ROOT, "%02d", Math.abs(exponent));
        }
        return rounded.stripTrailingZeros().toPlainString();
    }

    /** A log value: floating point with {@code .4g}, everything else as is. */
    static String logValue(Object value) {
        if (value instanceof Double || value instanceof Float) {
            return fourSignificant(((Number) value).doubleValue());
        }
        return String.valueOf(value);
    }
}
