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
 * HF's {@code DataCollatorForSeq2Seq}: first right-pads the token-level {@code labels} to the longest label
 * sequence (same padding strategy and rounding as the inputs) with {@code labelPadTokenId} (-100, ignored by the
 * loss), then pads the inputs like {@link PaddingCollator}. With {@code addDecoderInputIds}, adds
 * {@code decoder_input_ids}: the padded labels shifted right by one, starting with {@code decoderStartTokenId}, with
 * -100 replaced by the pad id (HF's {@code shift_tokens_right}).
 */
public final class Seq2SeqCollator implements Collator {
    static final String DECODER_INPUT_IDS = "decoder_input_ids";
    private static final Set<String> HANDLED = Set.of(Sequences.INPUT_IDS, Sequences.ATTENTION_MASK,
            Sequences.TOKEN_TYPE_IDS, Sequences.SPECIAL_TOKENS_MASK, Sequences.LABELS, DECODER_INPUT_IDS);

    private final PaddingSettings padding;
    private final int labelPadTokenId;
    private final boolean addDecoderInputIds;
    private final int decoderStartTokenId;

    public Seq2SeqCollator(PaddingSettings padding, int labelPadTokenId, boolean addDecoderInputIds, int decoderStartTokenId) {
        this.padding = requireNonNull(padding, "padding is null");
        if (decoderStartTokenId < 0) {
            throw new IllegalArgumentException("decoder-start-token-id must be non-negative, got " + decoderStartTokenId);
        }
        this.labelPadTokenId = labelPadTokenId;
        this.addDecoderInputIds = addDecoderInputIds;
        this.decoderStartTokenId = decoderStartTokenId;
    }

    @Override
    public Batch collate(List<Example> examples, CollateContext context) {
        Sequences.requireExamples(examples);
        int rows = examples.size();
        int[][] labels = Sequences.read(examples, Sequences.LABELS);
        int labelLength = padding.paddedLength(Sequences.longest(labels), Sequences.LABELS);
        int[] paddedLabels = Sequences.pad(labels, labelLength, labelPadTokenId);

        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        Sequences.padInputs(examples, padding, true, tensors);
        tensors.put(Sequences.LABELS, Sequences.matrix(paddedLabels, rows, labelLength));
        if (addDecoderInputIds) {
            tensors.put(DECODER_INPUT_IDS, Sequences.matrix(shiftRight(paddedLabels, rows, labelLength), rows, labelLength));
        }
        Sequences.stackOthers(examples, HANDLED, tensors);
        return new Batch(tensors);
    }

    private int[] shiftRight(int[] labels, int rows, int length) {
        int[] shifted = new int[labels.length];
        for (int row = 0; row < rows; row++) {
            int offset = row * length;
            if (length > 0) {
                shifted[offset] = decoderStartTokenId;
            }
            for (int column = 1; column < length; column++) {
                int label = labels[offset + column - 1];
                shifted[offset + column] = label == labelPadTokenId ? padding.padTokenId() : label;
            }
        }
        return shifted;
    }
}
