package dev.trainer4j.plugins.callbacks;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The shared part of the metrics-file loggers: every log, evaluate and predict event becomes one record
 * ({@link MetricsRecord}: event, step, epoch, time and the values) handed to {@link #append} with the file under
 * {@code output-dir}, whose folder exists by then. Only the world process zero writes.
 */
abstract class MetricsFileCallback implements Callback {
    private final MetricsFileSettings settings;
    private final Clock clock;

    MetricsFileCallback(MetricsFileSettings settings, Clock clock) {
        this.settings = requireNonNull(settings, "settings is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** Writes one record to {@code file}. */
    abstract void append(Path file, String event, TrainerState state, Map<String, Object> record) throws IOException;

    /** Rewrites {@code file} without the records of steps after {@code step}, keeping every other record as it is. */
    abstract void dropRecordsAfter(Path file, long step) throws IOException;

    /**
     * A resumed run continues the file from its checkpoint's step: the records the interrupted run wrote after that
     * step are dropped, since the resumed run replays those steps and logs them again.
     */
    @Override
    public final void onTrainBegin(TrainingArguments args, TrainerState state, TrainerControl control) {
        if (!state.isWorldProcessZero() || state.globalStep() == 0) {
            return;
        }
        Path file = settings.resolve(args.outputDir());
        if (Files.exists(file)) {
            try {
                dropRecordsAfter(file, state.globalStep());
            }
            catch (IOException e) {
                throw new UncheckedIOException("cannot drop the records after step " + state.globalStep() + " from " + file, e);
            }
        }
    }

    /** Writes {@code text} to {@code file} through a temporary file and a rename, so a crash leaves one or the other. */
    static void replace(Path file, String text) throws IOException {
        Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        try {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
        }
        catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    @Override
    public final void onLog(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Object> logs) {
        write("log", args, state, logs);
    }

    @Override
    public final void onEvaluate(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> metrics) {
        write("evaluate", args, state, metrics);
    }

    @Override
    public final void onPredict(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> metrics) {
        write("predict", args, state, metrics);
    }

    private void write(String event, TrainingArguments args, TrainerState state, Map<String, ?> values) {
        if (!state.isWorldProcessZero()) {
            return;
        }
        Path file = settings.resolve(args.outputDir());
        Map<String, Object> record = MetricsRecord.of(event, state, clock, values);
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            append(file, event, state, record);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
