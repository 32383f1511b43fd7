package dev.trainer4j.testing;

import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.MapDataset;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Small deterministic datasets for the {@link FakeModel}. */
public final class FakeData {
    private FakeData() {
    }

    /** {@code size} examples {@code {x: float[features], labels: float}} with {@code labels = 2*x0 - x1 + 0.5 + noise}. */
    public static MapDataset regression(int size, int features, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<Example> examples = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            float[] x = new float[features];
            double y = 0.5;
            for (int j = 0; j < features; j++) {
                x[j] = (float) (random.nextDouble() * 2 - 1);
                y += (j % 2 == 0 ? 2.0 : -1.0) * x[j];
            }
            y += random.nextDouble() * 0.1 - 0.05;
            examples.add(Example.of(Map.of("x", x, "labels", (float) y)));
        }
        return Dataset.of(examples);
    }

    /** One example from explicit values. */
    public static Example example(float label, float... x) {
        return Example.of(Map.of("x", x, "labels", label));
    }
}
