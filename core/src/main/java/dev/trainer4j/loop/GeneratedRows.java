package dev.trainer4j.loop;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.DataType;
import dev.trainer4j.api.GenerationConfig;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.Tokenizer;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.data.internal.Seeds;
import dev.trainer4j.spi.TrainingEngine;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Generation during {@code evaluate}/{@code predict} ({@code predict-with-generate}, HF's Seq2SeqTrainer) and
 * {@code Trainer.generate}: runs the engine's generation per batch with the run's settings, collects the rows, pads
 * them with the pad id and decodes them with the run's tokenizer.
 */
final class GeneratedRows {
    /** The prediction name of the generated ids. */
    static final String GENERATED_IDS = "generated_ids";

    private final TrainingEngine engine;
    private final GenerationConfig overrides;
    private final long seed;
    private final Optional<Tokenizer> tokenizer;
    private final int padTokenId;
    private final List<int[]> rows = new ArrayList<>();

    /**
     * @param overrides what this call sets (over the run's arguments)
     * @throws ConfigurationException ({@code predict-with-generate}) when the model does not generate
     */
    GeneratedRows(TrainingEngine engine, TrainingArguments args, GenerationConfig overrides, Optional<Tokenizer> tokenizer) {
        this.engine = requireNonNull(engine, "engine is null");
        requireNonNull(args, "args is null");
        if (!engine.generates()) {
            throw new ConfigurationException(TrainingArguments.PREDICT_WITH_GENERATE.key(), "the model does not generate:"
                    + " predict-with-generate and generate() need a model such as transformer-lm or transformer-seq2seq");
        }
        this.overrides = args.generationOverrides().overriddenBy(requireNonNull(overrides, "overrides is null"));
        this.seed = args.seed();
        this.tokenizer = requireNonNull(tokenizer, "tokenizer is null");
        this.padTokenId = engine.generationConfig(this.overrides).padTokenId();
    }

    /** Generates for one batch; batch {@code index} seeds its sampling. Returns the batch's rows, padded. */
    HostTensor generate(Batch batch, long index) {
        List<int[]> generated = engine.generate(batch, overrides, Seeds.forBatch(seed, 0, index));
        rows.addAll(generated);
        return padded(generated);
    }

    /** Every row generated so far, padded with the pad id to the longest. */
    HostTensor all() {
        return padded(rows);
    }

    /** The decoded texts of {@code generated} (special tokens skipped); empty without a tokenizer. */
    List<String> texts(List<int[]> generated) {
        if (tokenizer.isEmpty()) {
            return List.of();
        }
        List<String> texts = new ArrayList<>();
        for (int[] row : generated) {
            texts.add(tokenizer.get().decode(row, true));
        }
        return texts;
    }

    /** The decoded rows of a [rows, length] label tensor: -100 and the pad id are left out; empty without a tokenizer. */
    List<String> labelTexts(HostTensor labels) {
        if (tokenizer.isEmpty() || labels == null) {
            return List.of();
        }
        long[] shape = labels.shape();
        int width = shape.length > 1 ? (int) shape[1] : 1;
        int[] flat = labels.dataType() == DataType.INT32 ? labels.ints() : HostTensors.toInts("labels", labels).ints();
        List<String> texts = new ArrayList<>();
        for (int row = 0; row < shape[0]; row++) {
            int[] ids = Arrays.stream(flat, row * width, (row + 1) * width)
                    .filter(id -> id != HostTensors.PAD && id != padTokenId).toArray();
            texts.add(tokenizer.get().decode(ids, true));
        }
        return texts;
    }

    List<int[]> rows() {
        return rows;
    }

    /** Rows as one INT32 [rows, longest] tensor padded with the pad id. */
    HostTensor padded(List<int[]> generated) {
        int width = generated.stream().mapToInt(row -> row.length).max().orElse(0);
        int[] flat = new int[generated.size() * width];
        Arrays.fill(flat, padTokenId);
        for (int row = 0; row < generated.size(); row++) {
            System.arraycopy(generated.get(row), 0, flat, row * width, generated.get(row).length);
        }
        return HostTensor.ofInts(flat, generated.size(), width);
    }
}
