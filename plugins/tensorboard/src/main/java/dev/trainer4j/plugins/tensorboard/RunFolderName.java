package dev.trainer4j.plugins.tensorboard;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * HF's default {@code logging_dir} folder name, {@code <date>_<host>} as {@code runs/Dec07_10-20-03_host}
 * ({@code strftime("%b%d_%H-%M-%S")} and {@code socket.gethostname()}), so that runs and resumes do not mix.
 */
final class RunFolderName {
    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("MMMdd_HH-mm-ss", Locale.ENGLISH);

    private RunFolderName() {
    }

    static String of(LocalDateTime time, String host) {
        return FORMAT.format(time) + "_" + host;
    }

    /** This machine's host name, read without a network lookup ({@code HOSTNAME}, /etc/hostname, else localhost). */
    static String host() {
        String host = System.getenv("HOSTNAME");
        if (host == null || host.isBlank()) {
            host = System.getenv("COMPUTERNAME");
        }
        if (host == null || host.isBlank()) {
            try {
                Path file = Path.of("/etc/hostname");
                host = Files.isReadable(file) ? Files.readString(file, StandardCharsets.UTF_8).trim() : null;
            }
            catch (IOException e) {
                host = null;
            }
        }
        if (host == null || host.isBlank()) {
            return "localhost";
        }
        return host.replaceAll("[\\\\/:*?\"<>|\\s]", "_");
    }
}
