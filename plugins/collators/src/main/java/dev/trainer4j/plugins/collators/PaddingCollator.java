package dev.trainer4j.plugins.collators;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.CollateContext;
import dev.trainer4j.api.Collator;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.HostTensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * HF's {@code DataCollatorWithPadding}: right-pads {@code input_ids} with the pad id and makes
 * {@code attention_mask} (1 real, 0 padding), both INT32 [B, L]; pads {@code token_type_ids} (0) and
 * {@code special_tokens_mask} (1) when present; renames a scalar {@code label}/{@code label_ids} to {@code labels}
 * [B]; stacks other numeric fields; drops strings. Token-level labels are not padded (see {@link Seq2SeqCollator}).
 */
public final class PaddingCollator implements Collator {
    private static final Set<String> HANDLED = Set.of(Sequences.INPUT_IDS, Sequences.ATTENTION_MASK,
            Sequences.TOKEN_TYPE_IDS, Sequences.SPECIAL_TOKENS_MASK);

    private final PaddingSettings padding;

    public PaddingCollator(PaddingSettings padding) {
        this.padding = requireNonNull(padding, "padding is null");
    }

    @Override
    public Batch collate(List<Example> examples, CollateContext context) {
        Sequences.requireExamples(examples);
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        Sequences.padInputs(examples, padding, true, tensors);
        Sequences.stackOthers(examples, HANDLED, tensors);
        return new Batch(tensors);
    }

    public PaddingSettings padding() {
        return padding;
    }
}
