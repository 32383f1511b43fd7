package dev.trainer4j.runtime;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.Tokenizer;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * Writes a tokenizer trained for the run to {@code output-dir/tokenizer.json} when training begins, so that
 * {@code trainer4j predict} encodes with the vocabulary the model was trained with.
 */
final class TokenizerSavingCallback implements Callback {
    private final Tokenizer tokenizer;

    TokenizerSavingCallback(Tokenizer tokenizer) {
        this.tokenizer = requireNonNull(tokenizer, "tokenizer is null");
    }

    @Override
    public void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) {
        Path outputDir = Path.of(args.outputDir());
        try {
            Files.createDirectories(outputDir);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot create the output dir " + outputDir + " for " + TrainerAssembler.TOKENIZER_FILE, e);
        }
        tokenizer.save(outputDir.resolve(TrainerAssembler.TOKENIZER_FILE));
    }
}
