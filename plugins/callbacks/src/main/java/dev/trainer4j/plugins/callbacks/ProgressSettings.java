package dev.trainer4j.plugins.callbacks;

import com.typesafe.config.Config;
import dev.trainer4j.api.ConfigurationException;

import java.util.Locale;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Settings of the {@code progress} callback.
 *
 * @param output where to draw: {@code stderr} or {@code stdout}
 * @param interactive {@code auto} (a bar when {@code System.console()} exists), {@code true} or {@code false}
 * @param refreshIntervalMillis the bar is redrawn at most this often
 * @param barWidth characters of the bar itself
 */
public record ProgressSettings(String output, String interactive, long refreshIntervalMillis, int barWidth) {
    static final String NAME = "progress";
    private static final Set<String> OUTPUTS = Set.of("stderr", "stdout");
    private static final Set<String> INTERACTIVE = Set.of("auto", "true", "false");

    public ProgressSettings {
        requireNonNull(output, "output is null");
        requireNonNull(interactive, "interactive is null");
        output = output.trim().toLowerCase(Locale.ROOT);
        interactive = interactive.trim().toLowerCase(Locale.ROOT);
        if (!OUTPUTS.contains(output)) {
            throw new ConfigurationException(NAME + ".output", output, "stderr or stdout");
        }
        if (!INTERACTIVE.contains(interactive)) {
            throw new ConfigurationException(NAME + ".interactive", interactive, "auto, true or false");
        }
        if (refreshIntervalMillis < 0) {
            throw new ConfigurationException(NAME + ".refresh-interval-ms", refreshIntervalMillis, "an integer >= 0");
        }
        if (barWidth < 1 || barWidth > 500) {
            throw new ConfigurationException(NAME + ".bar-width", barWidth, "an integer in [1, 500]");
        }
    }

    public static ProgressSettings fromConfig(Config config) {
        SettingsReader reader = new SettingsReader(NAME, config,
                Set.of("output", "interactive", "refresh-interval-ms", "bar-width"));
        long width = reader.integer("bar-width");
        return new ProgressSettings(reader.string("output"), reader.string("interactive"),
                reader.integer("refresh-interval-ms"), (int) Math.max(-1, Math.min(width, 10_000)));
    }

    /** Whether to draw a bar: {@code interactive}, or for {@code auto} whether a console is attached. */
    boolean drawsBar(boolean consoleAttached) {
        return interactive.equals("auto") ? consoleAttached : Boolean.parseBoolean(interactive);
    }
}
