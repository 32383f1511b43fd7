package dev.trainer4j.spi;

import dev.trainer4j.api.Tokenizer;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What a factory may use besides its own settings. Grows only through default methods.
 */
public interface PluginContext {

    /** The folder relative paths in a run file are resolved against (the run file's folder). */
    Path baseDirectory();

    /** Resolves a path from a setting against {@link #baseDirectory()}. */
    default Path resolve(String path) {
        return baseDirectory().resolve(path).normalize();
    }

    /** The run's tokenizer, when the run names one (collators and datasets that tokenize use it). */
    default Optional<Tokenizer> tokenizer() {
        return Optional.empty();
    }
}
