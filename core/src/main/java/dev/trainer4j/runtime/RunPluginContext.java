package dev.trainer4j.runtime;

import dev.trainer4j.api.Tokenizer;
import dev.trainer4j.spi.PluginContext;

import java.nio.file.Path;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** The {@link PluginContext} of one run: the run file's folder and the run's tokenizer. */
final class RunPluginContext implements PluginContext {
    private final Path baseDirectory;
    private final Tokenizer tokenizer;

    RunPluginContext(Path baseDirectory, Tokenizer tokenizer) {
        this.baseDirectory = requireNonNull(baseDirectory, "baseDirectory is null");
        this.tokenizer = tokenizer;
    }

    @Override
    public Path baseDirectory() {
        return baseDirectory;
    }

    @Override
    public Optional<Tokenizer> tokenizer() {
        return Optional.ofNullable(tokenizer);
    }
}
