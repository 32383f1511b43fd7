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
 * Token classification (HF's {@code DataCollatorForTokenClassification} with {@code run_ner}'s label alignment):
 * pads {@code input_ids}, {@code attention_mask} (and {@code token_type_ids}) as {@link PaddingCollator} does and
 * makes {@code labels} INT32 [B, L], padded with {@code label-pad-token-id} (-100).
 *
 * <p>With a {@code word-ids-field} ({@code word_ids}: per token the index of the word it comes from, -1 for special
 * tokens) the examples' labels are per word and are aligned to the tokens: the first token of a word gets the word's
 * label, special tokens -100, and the word's other tokens -100 ({@code label-all-tokens = false}, run_ner's default)
 * or the word's label again ({@code true}; run_ner also turns a B- label into its I- label there, which needs the
 * label names and is not done here). Without word ids the labels must already be one per token.
 */
public final class TokenClassificationCollator implements Collator {
    private final PaddingSettings padding;
    private final TokenClassificationSettings settings;

    public TokenClassificationCollator(PaddingSettings padding, TokenClassificationSettings settings) {
        this.padding = requireNonNull(padding, "padding is null");
        this.settings = requireNonNull(settings, "settings is null");
    }

    @Override
    public Batch collate(List<Example> examples, CollateContext context) {
        Sequences.requireExamples(examples);
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        int length = Sequences.padInputs(examples, padding, false, tensors);
        int[][] ids = Sequences.read(examples, Sequences.INPUT_IDS);
        int[][] labels = Sequences.read(examples, settings.labelsField());
        int[][] tokenLabels = new int[examples.size()][];
        int[][] wordIds = examples.get(0).has(settings.wordIdsField())
                ? Sequences.sameLengths(examples, settings.wordIdsField(), ids) : null;
        for (int i = 0; i < examples.size(); i++) {
            if (wordIds != null) {
                tokenLabels[i] = align(i, wordIds[i], labels[i]);
            } else if (labels[i].length != ids[i].length) {
                throw new IllegalArgumentException("example " + i + " has " + labels[i].length + " '"
                        + settings.labelsField() + "' for " + ids[i].length + " input_ids and no '"
                        + settings.wordIdsField() + "' to align word labels to tokens; give one label per token or"
                        + " the word ids (-1 for special tokens)");
            } else {
                tokenLabels[i] = labels[i];
            }
        }
        tensors.put(Sequences.LABELS, Sequences.matrix(Sequences.pad(tokenLabels, length,
                settings.labelPadTokenId()), tokenLabels.length, length));
        Set<String> handled = Set.of(Sequences.INPUT_IDS, Sequences.ATTENTION_MASK, Sequences.TOKEN_TYPE_IDS,
                Sequences.SPECIAL_TOKENS_MASK, settings.labelsField(), settings.wordIdsField());
        Sequences.stackOthers(examples, handled, tensors);
        return new Batch(tensors);
    }

    /** run_ner's {@code tokenize_and_align_labels} for one example. */
    private int[] align(int example, int[] wordIds, int[] wordLabels) {
        int[] aligned = new int[wordIds.length];
        int previous = -1;
        for (int t = 0; t < wordIds.length; t++) {
            int word = wordIds[t];
            if (word < 0) {
                aligned[t] = settings.labelPadTokenId();
            } else if (word >= wordLabels.length) {
                throw new IllegalArgumentException("example " + example + ": token " + t + " belongs to word " + word
                        + " but the example has " + wordLabels.length + " word labels in '" + settings.labelsField()
                        + "'; expected word ids in [0, " + wordLabels.length + ") or -1 for special tokens");
            } else if (word != previous || settings.labelAllTokens()) {
                aligned[t] = wordLabels[word];
            } else {
                aligned[t] = settings.labelPadTokenId();
            }
            previous = word;
        }
        return aligned;
    }

    public TokenClassificationSettings settings() {
        return settings;
    }
}
