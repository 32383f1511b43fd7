package com.example.fromdocs;

import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.Metric;

import java.util.Map;

/**
 * The share of examples whose highest softmax probability is at least {@code min-probability}
 * ({@code confident_share}). Written from docs/writing-a-plugin.md alone, as a plugin author would.
 */
public final class ConfidentShareMetric implements Metric {
    private final double minProbability;
    private long confident;
    private long examples;

    public ConfidentShareMetric(double minProbability) {
        this.minProbability = minProbability;
    }

    @Override
    public String name() {
        return "confident_share";
    }

    @Override
    public void reset() {
        confident = 0;
        examples = 0;
    }

    @Override
    public void update(EvalPrediction batch) {
        HostTensor logits = batch.primaryPrediction();
        int rows = (int) logits.dimension(0);
        int classes = logits.rowSize();
        for (int row = 0; row < rows; row++) {
            if (maxProbability(logits, row * classes, classes) >= minProbability) {
                confident++;
            }
        }
        examples += rows;
    }

    /** The largest softmax probability of the logits at {@code [offset, offset + classes)}. */
    static double maxProbability(HostTensor logits, int offset, int classes) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, logits.getDouble(offset + c));
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            sum += Math.exp(logits.getDouble(offset + c) - max);
        }
        return 1 / sum;   // exp(max - max) / sum
    }

    @Override
    public Map<String, Double> compute() {
        return Map.of(name(), examples == 0 ? 0.0 : (double) confident / examples);
    }
}
