package dev.trainer4j.loop;

import dev.trainer4j.api.ModelCardOptions;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.api.TrainingArguments;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * HF's {@code create_model_card} ({@code modelcard.py}'s {@code TrainingSummary.to_model_card}): {@code README.md}
 * in the output dir with YAML metadata, the last evaluation's results, the training hyperparameters
 * ({@code extract_hyperparameters_from_trainer}), the training-results table from the log history
 * ({@code parse_log_history}, {@code make_markdown_table}) and the framework versions.
 */
final class ModelCardWriter {
    static final String FILE = "README.md";
    private static final String NEEDED = "More information needed";
    private static final Set<String> TIMING = Set.of("runtime", "samples_per_second", "steps_per_second", "epoch", "step");

    private ModelCardWriter() {
    }

    static Path write(Path outputDir, ModelCardOptions options, TrainingArguments args, String modelType,
            TrainerState state, boolean trained) {
        String name = options.modelName().orElse(outputDir.toAbsolutePath().normalize().getFileName().toString());
        List<Map<String, Object>> table = resultsTable(state.logHistory());
        Map<String, Object> lastEval = lastEvaluation(state.logHistory());
        StringBuilder card = new StringBuilder("---\n");
        card.append("library_name: trainer4j\n");
        options.license().ifPresent(license -> card.append("license: ").append(license).append('\n'));
        options.finetunedFrom().ifPresent(base -> card.append("base_model: ").append(base).append('\n'));
        yamlList(card, "language", options.language());
        List<String> tags = new ArrayList<>(List.of("generated_from_trainer"));
        tags.addAll(options.tags());
        yamlList(card, "tags", tags);
        yamlList(card, "datasets", options.datasets());
        List<String> metricNames = new ArrayList<>();
        lastEval.keySet().forEach(key -> metricNames.add(key.substring("eval_".length())));
        metricNames.remove("loss");
        yamlList(card, "metrics", metricNames);
        card.append("model-index:\n- name: ").append(name).append("\n  results: []\n---\n\n");
        card.append("<!-- This model card has been generated automatically according to the information the Trainer had"
                + " access to. You\nshould probably proofread and complete it, then remove this comment. -->\n\n");
        card.append("# ").append(name).append("\n\n");
        String base = options.finetunedFrom().map(model -> "a fine-tuned version of [" + model + "](https://huggingface.co/"
                + model + ")").orElse("a " + modelType + " model trained from scratch");
        String data = options.datasets().isEmpty() ? "an unknown dataset" : "the " + String.join(", ", options.datasets())
                + " dataset";
        card.append("This model is ").append(base).append(" on ").append(data).append(".\n");
        if (!lastEval.isEmpty()) {
            card.append("It achieves the following results on the evaluation set:\n");
            lastEval.forEach((key, value) -> card.append("- ").append(title(key.substring("eval_".length()))).append(": ")
                    .append(round(value)).append('\n'));
        }
        card.append("\n## Model description\n\n").append(NEEDED).append("\n\n## Intended uses & limitations\n\n")
                .append(NEEDED).append("\n\n## Training and evaluation data\n\n").append(NEEDED).append("\n\n");
        if (trained) {
            card.append("## Training procedure\n\n### Training hyperparameters\n\n"
                    + "The following hyperparameters were used during training:\n");
            hyperparameters(args).forEach((key, value) -> card.append("- ").append(key).append(": ").append(value).append('\n'));
            if (!table.isEmpty()) {
                card.append("\n### Training results\n\n").append(markdownTable(table));
            }
            card.append('\n');
        }
        card.append("### Framework versions\n\n- trainer4j ").append(version()).append("\n- Java ")
                .append(Runtime.version().feature()).append('\n');
        Path file = outputDir.resolve(FILE);
        try {
            Files.createDirectories(outputDir);
            Files.writeString(file, card.toString(), StandardCharsets.UTF_8);
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        return file;
    }

    private static void yamlList(StringBuilder card, String key, List<String> values) {
        if (values.isEmpty()) {
            return;
        }
        card.append(key).append(":\n");
        values.forEach(value -> card.append("- ").append(value).append('\n'));
    }

    /** HF's {@code extract_hyperparameters_from_trainer}, with trainer4j's argument values. */
    static Map<String, Object> hyperparameters(TrainingArguments args) {
        Map<String, Object> hyperparameters = new LinkedHashMap<>();
        hyperparameters.put("learning_rate", args.learningRate());
        hyperparameters.put("train_batch_size", args.perDeviceTrainBatchSize());
        hyperparameters.put("eval_batch_size", args.perDeviceEvalBatchSize());
        hyperparameters.put("seed", args.seed());
        if (args.deviceSelection().replicas() > 1) {
            hyperparameters.put("distributed_type", "multi-device");
            hyperparameters.put("num_devices", args.deviceSelection().replicas());
        }
        if (args.gradientAccumulationSteps() > 1) {
            hyperparameters.put("gradient_accumulation_steps", args.gradientAccumulationSteps());
        }
        int total = args.trainBatchSize() * args.gradientAccumulationSteps();
        if (total != args.perDeviceTrainBatchSize()) {
            hyperparameters.put("total_train_batch_size", total);
        }
        hyperparameters.put("optimizer", "Use " + args.optim().configNames().get(0) + " with betas=(" + args.adamBeta1()
                + "," + args.adamBeta2() + ") and epsilon=" + args.adamEpsilon()
                + " and optimizer_args=No additional optimizer arguments");
        hyperparameters.put("lr_scheduler_type", args.lrSchedulerType().configName());
        args.warmupRatio().ifPresent(ratio -> hyperparameters.put("lr_scheduler_warmup_ratio", ratio));
        if (args.warmupSteps() != 0) {
            hyperparameters.put("lr_scheduler_warmup_steps", args.warmupSteps());
        }
        if (args.maxSteps() > 0) {
            hyperparameters.put("training_steps", args.maxSteps());
        }
        else {
            hyperparameters.put("num_epochs", args.numTrainEpochs());
        }
        if (args.fp16() || args.bf16()) {
            hyperparameters.put("mixed_precision_training", args.bf16() ? "bf16" : "Native AMP");
        }
        if (args.labelSmoothingFactor() != 0) {
            hyperparameters.put("label_smoothing_factor", args.labelSmoothingFactor());
        }
        return hyperparameters;
    }

    /**
     * HF's {@code parse_log_history}: one row per evaluation with the training loss last logged before it ("No log"
     * when none), the epoch, the step, the validation loss and the other eval metrics (titled, timings left out).
     */
    static List<Map<String, Object>> resultsTable(List<Map<String, Object>> history) {
        List<Map<String, Object>> rows = new ArrayList<>();
        Object trainingLoss = "No log";
        for (Map<String, Object> entry : history) {
            if (entry.containsKey("loss")) {
                trainingLoss = entry.get("loss");
            }
            if (!entry.containsKey("eval_loss")) {
                continue;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("Training Loss", trainingLoss);
            row.put("Epoch", entry.get("epoch"));
            row.put("Step", entry.get("step"));
            row.put("Validation Loss", entry.get("eval_loss"));
            entry.forEach((key, value) -> {
                if (key.startsWith("eval_") && !key.equals("eval_loss") && !isTiming(key.substring("eval_".length()))) {
                    row.put(title(key.substring("eval_".length())), value);
                }
            });
            rows.add(row);
        }
        return rows;
    }

    private static Map<String, Object> lastEvaluation(List<Map<String, Object>> history) {
        Map<String, Object> result = new LinkedHashMap<>();
        for (int i = history.size() - 1; i >= 0; i--) {
            Map<String, Object> entry = history.get(i);
            if (entry.containsKey("eval_loss")) {
                result.put("eval_loss", entry.get("eval_loss"));
                entry.forEach((key, value) -> {
                    if (key.startsWith("eval_") && !isTiming(key.substring("eval_".length()))) {
                        result.put(key, value);
                    }
                });
                break;
            }
        }
        return result;
    }

    private static boolean isTiming(String metric) {
        return TIMING.contains(metric) || metric.endsWith("_per_second") || metric.contains("_mem_");
    }

    /** HF: {@code " ".join(part.capitalize() for part in key.split("_"))}. */
    static String title(String key) {
        List<String> parts = new ArrayList<>();
        for (String part : key.split("_")) {
            parts.add(part.isEmpty() ? part : part.substring(0, 1).toUpperCase(Locale.ROOT) + part.substring(1).toLowerCase(Locale.ROOT));
        }
        return String.join(" ", parts);
    }

    /** HF's {@code _maybe_round}: a float with more than 4 decimals is written with 4. */
    static String round(Object value) {
        String text = String.valueOf(value);
        if (value instanceof Double || value instanceof Float) {
            String[] parts = text.split("\\.");
            if (parts.length > 1 && parts[1].length() > 4 && !text.contains("E")) {
                return String.format(Locale.ROOT, "%.4f", ((Number) value).doubleValue());
            }
            if (text.contains("E")) {
                return String.format(Locale.ROOT, "%.4f", ((Number) value).doubleValue());
            }
        }
        return text;
    }

    /** HF's {@code make_markdown_table}: columns as wide as their widest cell, centred separators. */
    static String markdownTable(List<Map<String, Object>> rows) {
        List<String> columns = new ArrayList<>(rows.get(0).keySet());
        Map<String, Integer> widths = new LinkedHashMap<>();
        columns.forEach(column -> widths.put(column, column.length()));
        for (Map<String, Object> row : rows) {
            row.forEach((key, value) -> widths.merge(key, round(value).length(), Math::max));
        }
        StringBuilder table = new StringBuilder();
        line(table, columns, columns, widths);
        for (String column : columns) {
            table.append("|:").append("-".repeat(widths.get(column))).append(':');
        }
        table.append("|\n");
        for (Map<String, Object> row : rows) {
            List<String> cells = new ArrayList<>();
            columns.forEach(column -> cells.add(round(row.getOrDefault(column, ""))));
            line(table, cells, columns, widths);
        }
        return table.toString();
    }

    private static void line(StringBuilder table, List<String> cells, List<String> columns, Map<String, Integer> widths) {
        for (int i = 0; i < cells.size(); i++) {
            String cell = cells.get(i);
            table.append("| ").append(cell).append(" ".repeat(widths.get(columns.get(i)) - cell.length() + 1));
        }
        table.append("|\n");
    }

    private static String version() {
        String version = ModelCardWriter.class.getPackage().getImplementationVersion();
        return version == null ? "(development build)" : version;
    }
}
