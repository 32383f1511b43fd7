package dev.trainer4j.runtime;

import dev.trainer4j.api.Tokenizer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.config.RunConfig;
import dev.trainer4j.spi.Backend;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Every product of a run file, made by its factories and ready for a {@code Trainer}.
 *
 * @param run the parsed run file
 * @param spec the arguments, model, datasets, collator, metrics and callbacks
 * @param backend the backend
 * @param tokenizer the run's tokenizer, when it names one
 */
public record AssembledRun(RunConfig run, TrainerSpec spec, Backend backend, Optional<Tokenizer> tokenizer) {
    public AssembledRun {
        requireNonNull(run, "run is null");
        requireNonNull(spec, "spec is null");
        requireNonNull(backend, "backend is null");
        requireNonNull(tokenizer, "tokenizer is null");
    }
}
