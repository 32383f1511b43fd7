package dev.trainer4j.loop;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.HostTensor;

import java.util.List;
import java.util.Map;

/**
 * Counts a training batch's input tokens for {@code include-num-input-tokens-seen} and
 * {@code include-tokens-per-second}, as HF: {@code all} is the element count of the main input ({@code input_ids},
 * else the first batch column that is not a label), {@code non_padding} the sum of {@code attention_mask} (the main
 * input's element count without one).
 */
final class InputTokens {
    static final String MAIN_INPUT = "input_ids";
    static final String ATTENTION_MASK = "attention_mask";

    private InputTokens() {
    }

    static long count(Batch batch, List<String> labelNames, boolean nonPadding) {
        if (nonPadding && batch.contains(ATTENTION_MASK)) {
            HostTensor mask = batch.get(ATTENTION_MASK);
            long sum = 0;
            for (int i = 0; i < mask.size(); i++) {
                sum += mask.getLong(i);
            }
            return sum;
        }
        if (batch.contains(MAIN_INPUT)) {
            return batch.get(MAIN_INPUT).size();
        }
        for (Map.Entry<String, HostTensor> column : batch.tensors().entrySet()) {
            if (!labelNames.contains(column.getKey())) {
                return column.getValue().size();
            }
        }
        return 0;
    }
}
