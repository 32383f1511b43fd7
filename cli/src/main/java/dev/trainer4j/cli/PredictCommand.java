package dev.trainer4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.PredictionOutput;
import dev.trainer4j.api.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code trainer4j predict}: builds the run, loads the model weights of a checkpoint, encodes the input like the
 * training data (with the tokenizer saved at train time), and writes one JSON object per input line: the original
 * fields plus {@code predicted_label} and {@code probabilities} (the softmax of the logits).
 *
 * <p>The checkpoint: {@code --checkpoint DIR}, {@code latest}, or {@code best} (the {@code best_model_checkpoint} of
 * the newest checkpoint's {@code trainer_state.json}); by default the best when one is named, else the latest, under
 * {@code args.output-dir}. An output dir with {@code {timestamp}} means the newest existing folder of that pattern.
 * {@code --model DIR} predicts with a saved model folder instead ({@code Trainer.saveModel}); its {@code tokenizer.json}
 * is used when the run's tokenizer learns its vocabulary. The run file still names the model to build.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Predicts a JSONL file with a trained checkpoint of a run: the input's fields plus predicted_label and probabilities.")
final class PredictCommand extends CliCommand {

    @Mixin
    RunFileOptions runFile = new RunFileOptions();

    @Option(names = "--input", required = true, paramLabel = "FILE", description = "The examples to predict, one JSON object per line.")
    Path input;

    @Option(names = "--output", required = true, paramLabel = "FILE", description = "Where to write the predictions (JSONL).")
    Path output;

    @Option(names = "--checkpoint", paramLabel = "DIR|latest|best",
            description = "A checkpoint folder, 'latest' or 'best'. Default: the best checkpoint when trainer_state.json names one, else the latest.")
    String checkpoint;

    @Option(names = "--model", paramLabel = "DIR",
            description = "A saved model folder (Trainer.saveModel: weights/, model_config.json, tokenizer.json, manifest.json) "
                    + "to predict with instead of a checkpoint; the run file still says which model to build.")
    Path model;

    PredictCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        CheckpointedRun run = CheckpointedRun.prepare(context, runFile, input, checkpoint, model,
                spec.commandLine().getErr());
        PredictionOutput predictions = run.apply(trainer -> trainer.predict(run.dataset()));
        int written = write(predictions);
        out().println("predicted " + written + " examples of " + input + " with " + run.weights() + " into " + output);
        out().flush();
        return SUCCESS;
    }

    private int write(PredictionOutput predictions) {
        HostTensor logits = predictions.predictions().containsKey("logits") ? predictions.predictions().get("logits")
                : predictions.predictions().values().stream().findFirst().orElseThrow(() ->
                        new IllegalStateException("the model returned no predictions"));
        if (logits.rank() != 2 || logits.dimension(1) < 2) {
            throw new IllegalStateException("predict writes class probabilities, but the model's logits have shape "
                    + java.util.Arrays.toString(logits.shape()) + "; expected [examples, classes >= 2]");
        }
        int rows = (int) logits.dimension(0);
        int classes = (int) logits.dimension(1);
        List<String> lines;
        try {
            lines = Files.readAllLines(input, StandardCharsets.UTF_8).stream().filter(line -> !line.isBlank()).toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot read " + input, e);
        }
        if (lines.size() != rows) {
            throw new IllegalStateException("the model predicted " + rows + " examples but " + input + " has " + lines.size() + " lines");
        }
        try {
            Path parent = output.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (BufferedWriter writer = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
                for (int row = 0; row < rows; row++) {
                    JsonNode original = CliJson.MAPPER.readTree(lines.get(row));
                    ObjectNode record = original instanceof ObjectNode object ? object.deepCopy() : CliJson.MAPPER.createObjectNode();
                    double[] probabilities = softmax(logits, row, classes);
                    int predicted = 0;
                    for (int c = 1; c < classes; c++) {
                        if (probabilities[c] > probabilities[predicted]) {
                            predicted = c;
                        }
                    }
                    record.put("predicted_label", predicted);
                    ArrayNode values = record.putArray("probabilities");
                    for (double probability : probabilities) {
                        values.add(probability);
                    }
                    writer.write(CliJson.MAPPER.writeValueAsString(record));
                    writer.newLine();
                }
            }
        }
        catch (JsonProcessingException e) {
            throw new UsageException("--input: " + input + " is not JSONL: " + e.getOriginalMessage());
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot write " + output, e);
        }
        return rows;
    }

    /** The softmax of one row of logits, computed in double with the maximum subtracted. */
    static double[] softmax(HostTensor logits, int row, int classes) {
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, logits.getDouble(row * classes + c));
        }
        double[] result = new double[classes];
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            result[c] = Math.exp(logits.getDouble(row * classes + c) - max);
            sum += result[c];
        }
        for (int c = 0; c < classes; c++) {
            result[c] /= sum;
        }
        return result;
    }
}
