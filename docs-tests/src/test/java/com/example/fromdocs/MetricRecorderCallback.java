package com.example.fromdocs;

import dev.trainer4j.api.Callback;
import dev.trainer4j.api.TrainerControl;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/** Appends {@code <step> <value>} of one metric to {@code <output-dir>/<file-name>} after every evaluation. */
public final class MetricRecorderCallback implements Callback {
    private final String metric;
    private final String fileName;

    public MetricRecorderCallback(String metric, String fileName) {
        this.metric = metric;
        this.fileName = fileName;
    }

    @Override
    public void onEvaluate(TrainingArguments args, TrainerState state, TrainerControl control, Map<String, Double> metrics) {
        Double value = metrics.get(metric);
        if (value == null) {
            return;
        }
        Path file = Path.of(args.outputDir()).resolve(fileName);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, state.globalStep() + " " + value + "\n", StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }
}
