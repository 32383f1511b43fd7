package dev.trainer4j.testing;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.ColumnarDataset;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.HostTensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A columnar dataset with every column type the default collator handles, and a bit-for-bit batch comparison. */
public final class ColumnarFixtures {
    public static final int ROWS = 11;

    private ColumnarFixtures() {
    }

    /**
     * {@value #ROWS} rows: {@code x} FLOAT32 [11, 3] ({@code 3i + j + 0.25}, with a -0.0, a NaN and the smallest
     * subnormal in row 1), {@code ids} INT32 [11, 2] ({@code 10i + j}), {@code big} INT64 [11, 2]
     * ({@code 2^40 + 10i + j}), {@code score} FLOAT64 [11] ({@code 0.1 i + 1e-9}, not exactly a float),
     * {@code weights} FLOAT64 [11, 2] ({@code i / 3 + j}), {@code label} INT32 [11] ({@code i % 3}), {@code count}
     * INT64 [11] ({@code -i}) and {@code prob} FLOAT32 [11] ({@code i / 7}).
     */
    public static ColumnarDataset allTypes() {
        float[] x = new float[ROWS * 3];
        int[] ids = new int[ROWS * 2];
        long[] big = new long[ROWS * 2];
        double[] score = new double[ROWS];
        double[] weights = new double[ROWS * 2];
        int[] label = new int[ROWS];
        long[] count = new long[ROWS];
        float[] prob = new float[ROWS];
        for (int i = 0; i < ROWS; i++) {
            for (int j = 0; j < 3; j++) {
                x[i * 3 + j] = 3 * i + j + 0.25f;
            }
            for (int j = 0; j < 2; j++) {
                ids[i * 2 + j] = 10 * i + j;
                big[i * 2 + j] = (1L << 40) + 10 * i + j;
                weights[i * 2 + j] = i / 3.0 + j;
            }
            score[i] = 0.1 * i + 1e-9;
            label[i] = i % 3;
            count[i] = -i;
            prob[i] = i / 7f;
        }
        x[3] = -0.0f;
        x[4] = Float.NaN;
        x[5] = Float.MIN_VALUE;
        Map<String, HostTensor> columns = new LinkedHashMap<>();
        columns.put("x", HostTensor.ofFloats(x, ROWS, 3));
        columns.put("ids", HostTensor.ofInts(ids, ROWS, 2));
        columns.put("big", HostTensor.ofLongs(big, ROWS, 2));
        columns.put("score", HostTensor.ofDoubles(score, ROWS));
        columns.put("weights", HostTensor.ofDoubles(weights, ROWS, 2));
        columns.put("label", HostTensor.ofInts(label, ROWS));
        columns.put("count", HostTensor.ofLongs(count, ROWS));
        columns.put("prob", HostTensor.ofFloats(prob, ROWS));
        return Dataset.ofColumns(columns);
    }

    /** Same names in the same order, and per tensor the same type, shape and storage bits (floats by raw bits). */
    public static void assertSameBatch(Batch actual, Batch expected, String description) {
        assertThat(actual.names()).as(description + ": names").containsExactlyElementsOf(expected.names());
        for (String name : expected.names()) {
            HostTensor left = actual.get(name);
            HostTensor right = expected.get(name);
            String what = description + ": tensor '" + name + "'";
            assertThat(left.dataType()).as(what + " type").isEqualTo(right.dataType());
            assertThat(left.shape()).as(what + " shape").isEqualTo(right.shape());
            assertThat(bits(left)).as(what + " bits").isEqualTo(bits(right));
        }
    }

    /** The storage as raw bits: floats through {@code floatToRawIntBits}, doubles through {@code doubleToRawLongBits}. */
    public static long[] bits(HostTensor tensor) {
        return switch (tensor.dataType()) {
            case FLOAT32 -> {
                float[] values = tensor.floats();
                long[] bits = new long[values.length];
                for (int i = 0; i < values.length; i++) {
                    bits[i] = Float.floatToRawIntBits(values[i]);
                }
                yield bits;
            }
            case FLOAT64 -> Arrays.stream(tensor.doubles()).mapToLong(Double::doubleToRawLongBits).toArray();
            case INT32 -> Arrays.stream(tensor.ints()).asLongStream().toArray();
            case INT64 -> tensor.longs().clone();
        };
    }
}
