package dev.trainer4j.loop;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.trainer4j.api.TrainerState;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * HF's result helpers of {@code Trainer}: {@code log_metrics} (the text), {@code save_metrics}
 * ({@code <split>_results.json} and {@code all_results.json}, written as {@code json.dump(indent=4, sort_keys=True)})
 * and {@code save_state} ({@code trainer_state.json}, as a checkpoint's).
 */
final class RunResults {
    static final String ALL_RESULTS = "all_results.json";
    static final String TRAINER_STATE = "trainer_state.json";

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
            .setDefaultPrettyPrinter(new DefaultPrettyPrinter()
                    .withObjectIndenter(new DefaultIndenter("    ", "\n"))
                    .withSeparators(Separators.createDefaultInstance()
                            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)))
            .enable(SerializationFeature.INDENT_OUTPUT);

    private RunResults() {
    }

    /** {@code <split>_results.json}, and the metrics merged into {@code all_results.json} when {@code combined}. */
    static void saveMetrics(Path outputDir, String split, Map<String, Double> metrics, boolean combined) {
        requireNonNull(split, "split is null");
        requireNonNull(metrics, "metrics is null");
        createDirectories(outputDir);
        write(outputDir.resolve(split + "_results.json"), new TreeMap<>(metrics));
        if (combined) {
            Path all = outputDir.resolve(ALL_RESULTS);
            Map<String, Object> merged = new TreeMap<>();
            if (Files.isRegularFile(all)) {
                try {
                    merged.putAll(JSON.readValue(all.toFile(), new TypeReference<Map<String, Object>>() { }));
                }
                catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + all, e);
                }
            }
            merged.putAll(metrics);
            write(all, merged);
        }
    }

    /** {@code trainer_state.json} in the output dir. */
    static void saveState(Path outputDir, TrainerState state) {
        createDirectories(outputDir);
        Checkpoints.writeTrainerState(outputDir.resolve(TRAINER_STATE), state);
    }

    /**
     * HF's {@code log_metrics} text: {@code ***** <split> metrics *****}, then one line per metric in key order,
     * keys left-aligned and values right-aligned; {@code *_runtime} as {@code h:mm:ss.ss}, {@code *_mem_*} in MB,
     * {@code total_flos} in GF, other numbers rounded to 4 decimals (HF's {@code metrics_format}).
     */
    static String format(String split, Map<String, Double> metrics) {
        Map<String, String> formatted = new TreeMap<>();
        metrics.forEach((key, value) -> formatted.put(key, formatValue(key, value)));
        int keyWidth = formatted.keySet().stream().mapToInt(String::length).max().orElse(0);
        int valueWidth = formatted.values().stream().mapToInt(String::length).max().orElse(0);
        StringBuilder out = new StringBuilder("***** " + split + " metrics *****");
        formatted.forEach((key, value) -> out.append('\n').append("  ")
                .append(String.format(Locale.ROOT, "%-" + Math.max(1, keyWidth) + "s = %" + Math.max(1, valueWidth) + "s",
                        key, value)));
        return out.toString();
    }

    private static String formatValue(String key, double value) {
        if (key.endsWith("_runtime")) {
            long hundredths = Math.round(value * 100);
            long seconds = hundredths / 100;
            return String.format(Locale.ROOT, "%d:%02d:%02d.%02d", seconds / 3600, seconds / 60 % 60, seconds % 60,
                    hundredths % 100);
        }
        if (key.contains("_mem_")) {
            return Long.toString(((long) value) >> 20) + "MB";
        }
        if (key.equals("total_flos")) {
            return Long.toString(((long) value) >> 30) + "GF";
        }
        return Double.toString(Math.round(value * 1e4) / 1e4);
    }

    private static void write(Path file, Map<String, ?> content) {
        try {
            Files.writeString(file, JSON.writeValueAsString(content) + "\n", StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void createDirectories(Path directory) {
        try {
            Files.createDirectories(directory);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot create " + directory, e);
        }
    }
}
