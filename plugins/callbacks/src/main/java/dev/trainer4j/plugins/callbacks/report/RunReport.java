package dev.trainer4j.plugins.callbacks.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * The run report: reads {@code <output-dir>/metrics.jsonl} (written by the {@code jsonl-logger} callback) and writes
 * {@code <output-dir>/report.html}, a self-contained page (inline CSS, SVG and script; no address of any server),
 * and {@code <output-dir>/plots/<name>.png} for every plot. The page holds the loss, evaluation-metric,
 * learning-rate and throughput curves against the step (see {@link ReportCharts}), the final metrics
 * ({@code all_results.json} when present, else each key's last value in metrics.jsonl), the run state from
 * {@code trainer_state.json} when present, the arguments, and the raw records as
 * {@code <script type="application/json" id="metrics-data">}.
 *
 * <p>Used by the {@code report} callback at train end and by {@code trainer4j report <output-dir>}.
 */
public final class RunReport {
    public static final String METRICS_FILE = "metrics.jsonl";
    public static final String REPORT_FILE = "report.html";
    public static final String PLOTS_DIRECTORY = "plots";
    public static final String ALL_RESULTS_FILE = "all_results.json";
    public static final String TRAINER_STATE_FILE = "trainer_state.json";
    /** Where the arguments are looked for when none are given, in this order (output dir, then the latest checkpoint). */
    public static final List<String> ARGUMENTS_FILES = List.of("training_args.json", "args.json");
    private static final Pattern CHECKPOINT = Pattern.compile("checkpoint-(\\d+)");
    private static final TypeReference<LinkedHashMap<String, Object>> OBJECT = new TypeReference<>() {
    };

    private RunReport() {
    }

    /**
     * Writes the report of the run in {@code outputDir} from its {@code metrics.jsonl}; the arguments come from
     * {@link #ARGUMENTS_FILES} when one exists.
     *
     * @throws IllegalArgumentException when metrics.jsonl is missing or has a bad line (the message names it)
     */
    public static void write(Path outputDir) {
        write(outputDir, outputDir.resolve(METRICS_FILE), null);
    }

    /**
     * Writes the report of the run in {@code outputDir}.
     *
     * @param metricsFile the JSONL metrics log
     * @param arguments   the run's arguments ({@code TrainingArguments.toMap()}), or {@code null} to look for
     *                    {@link #ARGUMENTS_FILES}
     * @return the written report.html
     */
    public static Path write(Path outputDir, Path metricsFile, Map<String, Object> arguments) {
        requireNonNull(outputDir, "outputDir is null");
        requireNonNull(metricsFile, "metricsFile is null");
        if (!Files.isRegularFile(metricsFile)) {
            throw new IllegalArgumentException("no metrics log " + metricsFile + " to report on; add the jsonl-logger "
                    + "callback to the run's callbacks");
        }
        MetricsLog log = MetricsLog.read(metricsFile);
        List<Chart> charts = ReportCharts.of(log);
        Optional<Map<String, Object>> allResults = readObject(outputDir.resolve(ALL_RESULTS_FILE));
        Optional<Map<String, Object>> trainerState = findTrainerState(outputDir);
        Optional<Map<String, Object>> args = arguments != null ? Optional.of(arguments) : findArguments(outputDir);

        Path plots = outputDir.resolve(PLOTS_DIRECTORY);
        for (Chart chart : charts) {
            PngChartRenderer.write(chart, plots.resolve(chart.fileName()));
        }
        String html = ReportPage.render(new ReportPage.Content(outputDir, metricsFile, log, charts, allResults, trainerState, args));
        Path report = outputDir.resolve(REPORT_FILE);
        writeAtomically(report, html);
        return report;
    }

    private static Optional<Map<String, Object>> findTrainerState(Path outputDir) {
        Optional<Map<String, Object>> inOutput = readObject(outputDir.resolve(TRAINER_STATE_FILE));
        if (inOutput.isPresent()) {
            return inOutput;
        }
        return latestCheckpoint(outputDir).flatMap(checkpoint -> readObject(checkpoint.resolve(TRAINER_STATE_FILE)));
    }

    private static Optional<Map<String, Object>> findArguments(Path outputDir) {
        for (String name : ARGUMENTS_FILES) {
            Optional<Map<String, Object>> found = readObject(outputDir.resolve(name));
            if (found.isPresent()) {
                return found;
            }
        }
        Optional<Path> checkpoint = latestCheckpoint(outputDir);
        if (checkpoint.isPresent()) {
            for (String name : ARGUMENTS_FILES) {
                Optional<Map<String, Object>> found = readObject(checkpoint.get().resolve(name));
                if (found.isPresent()) {
                    return found;
                }
            }
        }
        return Optional.empty();
    }

    private static Optional<Path> latestCheckpoint(Path outputDir) {
        if (!Files.isDirectory(outputDir)) {
            return Optional.empty();
        }
        try (Stream<Path> entries = Files.list(outputDir)) {
            return entries.filter(Files::isDirectory)
                    .filter(path -> CHECKPOINT.matcher(path.getFileName().toString()).matches())
                    .max(Comparator.comparingLong(RunReport::checkpointStep));
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot list " + outputDir, e);
        }
    }

    private static long checkpointStep(Path checkpoint) {
        Matcher matcher = CHECKPOINT.matcher(checkpoint.getFileName().toString());
        return matcher.matches() ? Long.parseLong(matcher.group(1)) : -1;
    }

    /** A JSON object file, when it exists; a file that is not a JSON object is an error naming it. */
    private static Optional<Map<String, Object>> readObject(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(MetricsLog.JSON.readValue(Files.readString(file, StandardCharsets.UTF_8), OBJECT));
        }
        catch (JsonProcessingException e) {
            throw new IllegalArgumentException(file + " is not a JSON object: " + e.getOriginalMessage(), e);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static void writeAtomically(Path file, String text) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path temporary = parent.resolve("." + file.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
            try {
                Files.writeString(temporary, text, StandardCharsets.UTF_8);
                Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            finally {
                Files.deleteIfExists(temporary);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
