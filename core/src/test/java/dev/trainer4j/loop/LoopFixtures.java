package dev.trainer4j.loop;

import dev.trainer4j.api.IntervalStrategy;
import dev.trainer4j.api.SamplingStrategy;
import dev.trainer4j.api.SaveStrategy;
import dev.trainer4j.api.TrainingArguments;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Shared settings for the loop tests: small, sequential, no saving unless a test asks. */
final class LoopFixtures {
    private LoopFixtures() {
    }

    static TrainingArguments.Builder args(Path outputDir) {
        return TrainingArguments.builder()
                .outputDir(outputDir.toString())
                .perDeviceTrainBatchSize(2)
                .perDeviceEvalBatchSize(2)
                .numTrainEpochs(2)
                .optim("sgd")
                .learningRate(0.1)
                .lrSchedulerType("constant")
                .maxGradNorm(0)
                .trainSamplingStrategy(SamplingStrategy.SEQUENTIAL)
                .loggingStrategy(IntervalStrategy.NO)
                .saveStrategy(SaveStrategy.NO);
    }

    /** The log entries that carry {@code key}, without timing keys. */
    static List<Map<String, Object>> entriesWith(List<Map<String, Object>> history, String key) {
        List<Map<String, Object>> result = new ArrayList<>();
        for (Map<String, Object> entry : history) {
            if (entry.containsKey(key)) {
                result.add(entry);
            }
        }
        return result;
    }

    static double number(Map<String, Object> entry, String key) {
        return ((Number) entry.get(key)).doubleValue();
    }
}
