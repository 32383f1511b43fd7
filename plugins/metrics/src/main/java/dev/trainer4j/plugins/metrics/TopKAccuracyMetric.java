package dev.trainer4j.plugins.metrics;

import dev.trainer4j.api.DataException;
import dev.trainer4j.api.EvalPrediction;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.Metric;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The share of examples whose label is among the {@code k} highest logits ({@code top-k-accuracy}). Needs logits
 * {@code [N, C]}; a label's rank counts the classes with a higher logit plus the lower-numbered classes with an
 * equal one (the order numpy's argmax uses), and it is found when its rank is below k. With {@code k >= C} every
 * label is found. Labels {@value MetricInputs#IGNORED_LABEL} are ignored; an empty pass gives {@code NaN}.
 */
public final class TopKAccuracyMetric implements Metric {
    private final int k;
    private long found;
    private long samples;

    public TopKAccuracyMetric(int k) {
        if (k < 1) {
            throw new ConfigurationException("k", k, "an integer >= 1");
        }
        this.k = k;
    }

    public int k() {
        return k;
    }

    @Override
    public String name() {
        return "top-k-accuracy";
    }

    @Override
    public void reset() {
        found = 0;
        samples = 0;
    }

    @Override
    public void update(EvalPrediction batch) {
        requireNonNull(batch, "batch is null");
        HostTensor labels = MetricInputs.labels(name(), batch);
        HostTensor logits = MetricInputs.logits(name(), batch, labels);
        int[] labelIds = MetricInputs.labelIds(name(), labels);
        int classes = Math.toIntExact(logits.dimension(logits.rank() - 1));
        for (int element = 0; element < labelIds.length; element++) {
            int label = labelIds[element];
            if (label == MetricInputs.IGNORED_LABEL) {
                continue;
            }
            if (label >= classes) {
                throw new DataException(name() + ": label " + label + " at element " + element
                        + " is not allowed with logits " + logits + "; expected a class id < " + classes);
            }
            int offset = element * classes;
            double labelLogit = logits.getDouble(offset + label);
            int rank = 0;
            for (int other = 0; other < classes && rank < k; other++) {
                double logit = logits.getDouble(offset + other);
                if (logit > labelLogit || (logit == labelLogit && other < label)) {
                    rank++;
                }
            }
            if (rank < k) {
                found++;
            }
            samples++;
        }
    }

    @Override
    public Map<String, Double> compute() {
        return Map.of(name(), samples == 0 ? Double.NaN : (double) found / samples);
    }
}
