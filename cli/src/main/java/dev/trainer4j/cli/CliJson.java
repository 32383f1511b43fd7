package dev.trainer4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The JSON mapper of the commands that read and write JSON lines ({@code predict}, {@code generate}), made when one
 * of them first uses it: making an {@link ObjectMapper} loads about 370 classes (0.3-0.4 s on a 2-core machine),
 * which every other command, {@code train} among them, would pay at start-up if the commands held it themselves
 * (they are all constructed for each command line).
 */
final class CliJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private CliJson() {
    }
}
