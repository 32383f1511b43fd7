package dev.trainer4j.plugins.collators;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.CollateContext;
import dev.trainer4j.api.Collator;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.HostTensor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

import static java.util.Objects.requireNonNull;

/**
 * HF's {@code DataCollatorForLanguageModeling}. Pads the inputs like {@link PaddingCollator}, then:
 * <ul>
 * <li>masked LM: every real, non-special position is chosen with probability {@code mlmProbability}; chosen
 * positions keep their id as the label, all others get label -100. Of the chosen positions, a
 * {@code maskReplaceProbability} share becomes the mask token, a {@code randomReplaceProbability} share a random id in
 * [0, vocabularySize), the rest stay unchanged (HF's newest signature). Special positions come from the examples'
 * {@code special_tokens_mask} when present, else from {@code specialTokenIds}; padding is never chosen. All random
 * draws come from {@link CollateContext#random()}, in row-major order.</li>
 * <li>causal LM: {@code labels} are the {@code input_ids} with -100 at padding positions (the model shifts).
 * Unlike HF, which sets -100 wherever the id equals the pad id, a real token whose id is the pad id (e.g. EOS used
 * as pad) stays in the loss.</li>
 * </ul>
 * The {@code special_tokens_mask} is consumed, not returned.
 */
public final class LanguageModelingCollator implements Collator {
    static final int IGNORED_LABEL = -100;
    private static final Set<String> HANDLED = Set.of(Sequences.INPUT_IDS, Sequences.ATTENTION_MASK,
            Sequences.TOKEN_TYPE_IDS, Sequences.SPECIAL_TOKENS_MASK, Sequences.LABELS);

    private final PaddingSettings padding;
    private final boolean mlm;
    private final double mlmProbability;
    private final double maskReplaceProbability;
    private final double randomReplaceProbability;
    private final int maskTokenId;
    private final int vocabularySize;
    private final int[] specialTokenIds;

    private LanguageModelingCollator(PaddingSettings padding, boolean mlm, double mlmProbability, double maskReplaceProbability,
            double randomReplaceProbability, int maskTokenId, int vocabularySize, int[] specialTokenIds) {
        this.padding = requireNonNull(padding, "padding is null");
        this.mlm = mlm;
        this.mlmProbability = mlmProbability;
        this.maskReplaceProbability = maskReplaceProbability;
        this.randomReplaceProbability = randomReplaceProbability;
        this.maskTokenId = maskTokenId;
        this.vocabularySize = vocabularySize;
        this.specialTokenIds = specialTokenIds.clone();
        Arrays.sort(this.specialTokenIds);
    }

    /** A causal-LM collator: labels are the padded inputs with -100 on padding. */
    public static LanguageModelingCollator causal(PaddingSettings padding) {
        return new LanguageModelingCollator(padding, false, 0, 0, 0, 0, 0, new int[0]);
    }

    /**
     * A masked-LM collator.
     *
     * @param specialTokenIds ids never chosen for masking when the examples carry no {@code special_tokens_mask}
     */
    public static LanguageModelingCollator masked(PaddingSettings padding, double mlmProbability, double maskReplaceProbability,
            double randomReplaceProbability, int maskTokenId, int vocabularySize, int[] specialTokenIds) {
        requireNonNull(specialTokenIds, "specialTokenIds is null");
        checkProbability("mlm-probability", mlmProbability);
        checkProbability("mask-replace-prob", maskReplaceProbability);
        checkProbability("random-replace-prob", randomReplaceProbability);
        if (maskReplaceProbability + randomReplaceProbability > 1.0 + 1e-9) {
            throw new IllegalArgumentException("mask-replace-prob + random-replace-prob must be at most 1, got "
                    + maskReplaceProbability + " + " + randomReplaceProbability);
        }
        if (maskTokenId < 0) {
            throw new IllegalArgumentException("masked LM needs 'mask-token-id' (or a tokenizer with [MASK] or <mask>), got " + maskTokenId);
        }
        if (randomReplaceProbability > 0 && vocabularySize <= 0) {
            throw new IllegalArgumentException("random-replace-prob " + randomReplaceProbability
                    + " needs a positive 'vocab-size' (or a tokenizer), got " + vocabularySize);
        }
        return new LanguageModelingCollator(padding, true, mlmProbability, maskReplaceProbability, randomReplaceProbability,
                maskTokenId, vocabularySize, specialTokenIds);
    }

    @Override
    public Batch collate(List<Example> examples, CollateContext context) {
        Sequences.requireExamples(examples);
        requireNonNull(context, "context is null");
        Map<String, HostTensor> padded = new LinkedHashMap<>();
        int length = Sequences.padInputs(examples, padding, true, padded);
        int rows = examples.size();
        int[] ids = padded.get(Sequences.INPUT_IDS).ints();
        int[] real = Sequences.realTokenMask(Sequences.read(examples, Sequences.INPUT_IDS), length);
        HostTensor specialMask = padded.remove(Sequences.SPECIAL_TOKENS_MASK);

        int[] labels = new int[ids.length];
        int[] inputs = ids;
        if (mlm) {
            inputs = ids.clone();
            mask(inputs, labels, real, specialMask == null ? null : specialMask.ints(), context.random());
        }
        else {
            for (int i = 0; i < ids.length; i++) {
                labels[i] = real[i] == 1 ? ids[i] : IGNORED_LABEL;
            }
        }
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        tensors.put(Sequences.INPUT_IDS, Sequences.matrix(inputs, rows, length));
        padded.forEach((name, tensor) -> {
            if (!name.equals(Sequences.INPUT_IDS)) {
                tensors.put(name, tensor);
            }
        });
        tensors.put(Sequences.LABELS, Sequences.matrix(labels, rows, length));
        Sequences.stackOthers(examples, HANDLED, tensors);
        return new Batch(tensors);
    }

    private void mask(int[] inputs, int[] labels, int[] real, int[] specialMask, SplittableRandom random) {
        // HF: random-replace among the positions not mask-replaced, hence the conditional probability
        double randomGivenNotMasked = maskReplaceProbability >= 1.0 ? 0.0 : randomReplaceProbability / (1.0 - maskReplaceProbability);
        for (int i = 0; i < inputs.length; i++) {
            int original = inputs[i];
            boolean special = specialMask != null ? specialMask[i] == 1 : Arrays.binarySearch(specialTokenIds, original) >= 0;
            if (real[i] == 0 || special || random.nextDouble() >= mlmProbability) {
                labels[i] = IGNORED_LABEL;
                continue;
            }
            labels[i] = original;
            if (random.nextDouble() < maskReplaceProbability) {
                inputs[i] = maskTokenId;
            }
            else if (random.nextDouble() < randomGivenNotMasked) {
                inputs[i] = random.nextInt(vocabularySize);
            }
        }
    }

    private static void checkProbability(String key, double value) {
        if (!(value >= 0.0 && value <= 1.0)) {
            throw new IllegalArgumentException(key + " must be in [0, 1], got " + value);
        }
    }
}
