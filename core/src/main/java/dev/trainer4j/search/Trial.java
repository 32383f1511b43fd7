package dev.trainer4j.search;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A trial about to run: its number, the value of every searched key ({@code args.<argument>} or
 * {@code model.<setting>}) and the output folder its trainer writes to ({@code output-dir/trial-<number>}).
 */
public record Trial(int number, Map<String, Object> parameters, Path outputDirectory) {
    public Trial {
        parameters = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(parameters, "parameters is null")));
        requireNonNull(outputDirectory, "outputDirectory is null");
    }

    /** The folder name of trial {@code number} in the search's output dir. */
    public static String folderName(int number) {
        return "trial-" + number;
    }
}
