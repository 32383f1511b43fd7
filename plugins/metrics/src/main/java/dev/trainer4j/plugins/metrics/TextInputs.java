package dev.trainer4j.plugins.metrics;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.DataException;
import dev.trainer4j.api.EvalPrediction;

import static java.util.Objects.requireNonNull;

/** Checks that a batch carries the decoded texts a text metric scores: one generated text and one reference per row. */
final class TextInputs {
    private TextInputs() {
    }

    /**
     * Fails with one message naming the metric when the batch has no decoded text (the run does not generate) or no
     * references (the evaluation data has no labels).
     */
    static void require(String metric, EvalPrediction batch) {
        requireNonNull(batch, "batch is null");
        if (!batch.hasTexts()) {
            throw new ConfigurationException("args.predict-with-generate", metric + " scores generated text, but the"
                    + " evaluation has none: set args.predict-with-generate = true and give the run a tokenizer"
                    + " to decode the generated ids");
        }
        if (batch.labelTexts().isEmpty()) {
            throw new DataException(metric + ": the batch has " + batch.predictedTexts().size() + " generated texts"
                    + " but no reference texts; expected one reference per row (labels in the evaluation data)");
        }
    }
}
