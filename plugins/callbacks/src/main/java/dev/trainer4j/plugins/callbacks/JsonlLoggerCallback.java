package dev.trainer4j.plugins.callbacks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainer4j.api.Callback;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Appends one JSON object per line to {@code <output-dir>/metrics.jsonl} for every log, evaluate and predict event:
 * {@code {"event":"log","step":10,"epoch":0.5,"time":1718000000.123,"loss":0.69,...}} ({@code time} in Unix epoch
 * seconds). Each line is written and closed at once, so a crash loses nothing and other tools can tail the file.
 * Only the world process zero writes. Non-finite numbers are written as the strings {@code "NaN"},
 * {@code "Infinity"}, {@code "-Infinity"}.
 */
public final class JsonlLoggerCallback implements Callback {
    static final String NAME = "jsonl-logger";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MetricsFileSettings settings;
    private final Clock clock;

    public JsonlLoggerCallback(MetricsFileSettings settings, Clock clock) {
        this.settings = requireNonNull(settings, "settings is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    @Override
    public void onLog(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Object> logs) {
        write("log", args, state, logs);
    }

    @Override
    public void onEvaluate(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> metrics) {
        write("evaluate", args, state, metrics);
    }

    @Override
    public void onPredict(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> metrics) {
        write("predict", args, state, metrics);
    }

    private void write(String event, TrainingArguments args, TrainerState state, Map<String, ?> values) {
        if (!state.isWorldProcessZero()) {
            return;
        }
        Path file = settings.resolve(args.outputDir());
        String line;
        try {
            line = JSON.writeValueAsString(MetricsRecord.of(event, state, clock, values)) + "\n";
        }
        catch (JsonProcessingException e) {
            throw new IllegalArgumentException("the " + event + " values at step " + state.globalStep()
                    + " cannot be written as JSON: " + e.getOriginalMessage(), e);
        }
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND,
                    StandardOpenOption.WRITE);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + file, e);
        }
    }
}
