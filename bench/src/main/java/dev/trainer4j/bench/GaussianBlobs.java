package dev.trainer4j.bench;

import java.util.SplittableRandom;

import static java.util.Objects.requireNonNull;

/**
 * Synthetic classification data: {@code classes} Gaussian blobs in {@code dimensions} dimensions (centres drawn from
 * N(0, 1), unit noise around them), labels assigned round-robin so every batch holds every class. Fully determined
 * by the seed.
 *
 * @param features row-major [samples, dimensions]
 * @param labels [samples], in [0, classes)
 */
public record GaussianBlobs(int samples, int dimensions, float[] features, int[] labels) {
    public GaussianBlobs {
        requireNonNull(features, "features is null");
        requireNonNull(labels, "labels is null");
        if (features.length != (long) samples * dimensions || labels.length != samples) {
            throw new IllegalArgumentException("features " + features.length + " / labels " + labels.length
                    + " do not match " + samples + " samples of " + dimensions + " dimensions");
        }
    }

    public static GaussianBlobs generate(int samples, int dimensions, int classes, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        float[][] centres = new float[classes][dimensions];
        for (float[] centre : centres) {
            for (int d = 0; d < dimensions; d++) {
                centre[d] = (float) gaussian(random);
            }
        }
        float[] features = new float[samples * dimensions];
        int[] labels = new int[samples];
        for (int i = 0; i < samples; i++) {
            int label = i % classes;
            labels[i] = label;
            for (int d = 0; d < dimensions; d++) {
                features[i * dimensions + d] = centres[label][d] + (float) gaussian(random);
            }
        }
        return new GaussianBlobs(samples, dimensions, features, labels);
    }

    /** Box-Muller (SplittableRandom has no nextGaussian in Java 17). */
    private static double gaussian(SplittableRandom random) {
        double u = 1.0 - random.nextDouble();
        double v = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * v);
    }

    /** The features of one example. */
    public float[] row(int index) {
        float[] row = new float[dimensions];
        System.arraycopy(features, index * dimensions, row, 0, dimensions);
        return row;
    }

    /** The features of batch {@code index} (sequential order), row-major [batchSize, dimensions]. */
    public float[] batchFeatures(int index, int batchSize) {
        float[] batch = new float[batchSize * dimensions];
        System.arraycopy(features, index * batchSize * dimensions, batch, 0, batch.length);
        return batch;
    }

    /** The labels of batch {@code index} (sequential order). */
    public int[] batchLabels(int index, int batchSize) {
        int[] batch = new int[batchSize];
        System.arraycopy(labels, index * batchSize, batch, 0, batchSize);
        return batch;
    }
}
