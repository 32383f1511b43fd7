package dev.trainer4j.plugins.callbacks.report;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * Writes the {@link RunReport} ({@code report.html} and {@code plots/*.png} in the output directory) at train end,
 * from the metrics log of the {@code jsonl-logger} callback and the run's arguments. Without a metrics log it warns
 * and writes nothing. Only the world process zero writes.
 */
public final class ReportCallback implements Callback {
    private static final Logger LOG = LoggerFactory.getLogger(ReportCallback.class);

    private final ReportSettings settings;

    public ReportCallback(ReportSettings settings) {
        this.settings = requireNonNull(settings, "settings is null");
    }

    public ReportSettings settings() {
        return settings;
    }

    @Override
    public void onTrainEnd(TrainingArguments args, TrainerState state, TrainerControl control) {
        if (!state.isWorldProcessZero()) {
            return;
        }
        Path outputDir = Path.of(args.outputDir());
        Path metricsFile = outputDir.resolve(settings.metricsFile());
        if (!Files.isRegularFile(metricsFile)) {
            LOG.warn("No report: {} does not exist; add the jsonl-logger callback to the run's callbacks", metricsFile);
            return;
        }
        Path report = RunReport.write(outputDir, metricsFile, args.toMap());
        LOG.info("Report written to {}", report);
    }
}
