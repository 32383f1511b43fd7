package dev.trainer4j.plugins.data;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns JSON values into example values: integral numbers become {@link Integer} (or {@link Long} when larger),
 * other numbers {@link Double}, strings {@link String}, booleans {@link Boolean}; an array of integral numbers
 * becomes {@code int[]} ({@code long[]} when a value needs it), an array of numbers {@code float[]}, any other array
 * an unmodifiable list and an object an unmodifiable map. {@code null} is refused: examples hold no nulls.
 */
final class JsonValues {
    private JsonValues() {
    }

    /** The converted value; {@code where} names the value in an error, e.g. {@code field 'label'}. */
    static Object convert(JsonNode node, String where) {
        if (node.isNull() || node.isMissingNode()) {
            throw new IllegalArgumentException(where + " is null; examples cannot hold null values"
                    + " (leave the field out with the fields setting)");
        }
        if (node.isIntegralNumber()) {
            if (node.canConvertToInt()) {
                return node.intValue();
            }
            return node.canConvertToLong() ? (Object) node.longValue() : (Object) node.doubleValue();
        }
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            return node.textValue();
        }
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isArray()) {
            return array(node, where);
        }
        if (node.isObject()) {
            Map<String, Object> map = new LinkedHashMap<>();
            Iterator<Map.Entry<String, JsonNode>> entries = node.fields();
            while (entries.hasNext()) {
                Map.Entry<String, JsonNode> entry = entries.next();
                map.put(entry.getKey(), convert(entry.getValue(), where + "." + entry.getKey()));
            }
            return Collections.unmodifiableMap(map);
        }
        throw new IllegalArgumentException(where + " has the unsupported JSON type " + node.getNodeType());
    }

    private static Object array(JsonNode node, String where) {
        boolean allIntegral = true;
        boolean allInts = true;
        boolean allNumbers = true;
        for (JsonNode item : node) {
            allNumbers &= item.isNumber();
            allIntegral &= item.isIntegralNumber() && item.canConvertToLong();
            allInts &= item.isIntegralNumber() && item.canConvertToInt();
        }
        int size = node.size();
        if (allInts) {
            int[] values = new int[size];
            for (int index = 0; index < size; index++) {
                values[index] = node.get(index).intValue();
            }
            return values;
        }
        if (allIntegral) {
            long[] values = new long[size];
            for (int index = 0; index < size; index++) {
                values[index] = node.get(index).longValue();
            }
            return values;
        }
        if (allNumbers) {
            float[] values = new float[size];
            for (int index = 0; index < size; index++) {
                values[index] = node.get(index).floatValue();
            }
            return values;
        }
        List<Object> values = new ArrayList<>(size);
        for (int index = 0; index < size; index++) {
            values.add(convert(node.get(index), where + "[" + index + "]"));
        }
        return Collections.unmodifiableList(values);
    }
}
