package dev.trainer4j.plugins.tensorboard;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The run's arguments as HF's {@code TrainingArguments.to_json_string()}: snake_case keys ({@code learning-rate} →
 * {@code learning_rate}) in declaration order, Python's {@code json.dumps(indent=2)} layout and float spelling
 * ({@code 0.0003}, {@code 1e-05}, {@code 3.0}).
 */
final class ArgumentsJson {
    private ArgumentsJson() {
    }

    /** {@code arguments} (kebab-case keys) with snake_case keys, order kept. */
    static Map<String, Object> snakeCase(Map<String, Object> arguments) {
        Map<String, Object> result = new LinkedHashMap<>();
        arguments.forEach((key, value) -> result.put(key.replace('-', '_'), value));
        return result;
    }

    static String json(Map<String, Object> arguments) {
        return jsonOf(snakeCase(arguments));
    }

    /** {@code value} in Python's {@code json.dumps(indent=2)} layout. */
    static String jsonOf(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, 0);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out, int indent) {
        if (value == null) {
            out.append("null");
        }
        else if (value instanceof Boolean || value instanceof Integer || value instanceof Long || value instanceof Short
                || value instanceof Byte) {
            out.append(value);
        }
        else if (value instanceof Number number) {
            out.append(pythonFloat(number.doubleValue()));
        }
        else if (value instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                out.append("{}");
                return;
            }
            out.append("{\n");
            int i = 0;
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                pad(out, indent + 2).append(quoted(String.valueOf(entry.getKey()))).append(": ");
                write(entry.getValue(), out, indent + 2);
                out.append(++i < map.size() ? ",\n" : "\n");
            }
            pad(out, indent).append('}');
        }
        else if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                out.append("[]");
                return;
            }
            out.append("[\n");
            for (int i = 0; i < list.size(); i++) {
                pad(out, indent + 2);
                write(list.get(i), out, indent + 2);
                out.append(i + 1 < list.size() ? ",\n" : "\n");
            }
            pad(out, indent).append(']');
        }
        else {
            out.append(quoted(value.toString()));
        }
    }

    /** Python's {@code repr(float)}: the shortest round-trip digits, scientific below 1e-4 and from 1e16. */
    static String pythonFloat(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "Infinity" : "-Infinity";
        }
        if (value == 0) {
            return 1 / value < 0 ? "-0.0" : "0.0";
        }
        BigDecimal decimal = new BigDecimal(Double.toString(value)).stripTrailingZeros();
        int exponent = decimal.precision() - decimal.scale() - 1;
        if (exponent >= -4 && exponent < 16) {
            String plain = decimal.toPlainString();
            return plain.contains(".") ? plain : plain + ".0";
        }
        String digits = decimal.unscaledValue().abs().toString();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        return (value < 0 ? "-" : "") + mantissa + "e" + (exponent < 0 ? "-" : "+") + String.format(Locale.ROOT, "%02d", Math.abs(exponent));
    }

    private static StringBuilder pad(StringBuilder out, int indent) {
        return out.append(" ".repeat(indent));
    }

    /** A JSON string as Python writes it ({@code ensure_ascii}: non-ASCII as {@code \\uXXXX}). */
    private static String quoted(String text) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c > 0x7e) {
                        out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    }
                    else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
