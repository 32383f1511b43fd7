package dev.trainer4j.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.PredictionOutput;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.config.PluginBlock;
import dev.trainer4j.config.PluginKind;
import dev.trainer4j.config.RunConfig;
import dev.trainer4j.loop.SavedModelFolder;
import dev.trainer4j.runtime.AssembledRun;
import dev.trainer4j.runtime.TokenizedDatasets;
import dev.trainer4j.runtime.Trainer4j;
import dev.trainer4j.runtime.TrainerAssembler;
import dev.trainer4j.spi.TokenizerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

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
    private static final ObjectMapper JSON = new ObjectMapper();

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
        Trainer4j runtime = context.runtime().get();
        RunConfig run = runFile.load(runtime, context);
        if (!Files.isRegularFile(input)) {
            throw new UsageException("--input: " + input + " does not exist or is not a file");
        }
        if (model != null && checkpoint != null) {
            throw new UsageException("give the weights once: either --model " + model + " or --checkpoint " + checkpoint);
        }
        CheckpointSelection selection = CheckpointSelection.forRun(run, spec.commandLine().getErr());
        CheckpointSelection.Selected selected = model != null ? null : selection.select(checkpoint);
        Path outputDir = selection.outputDir();
        Path checkpointDir = model != null ? savedModel(model) : selected.checkpoint();
        Optional<String> trainingField = run.tokenizer().flatMap(block -> trainingField(runtime, block));
        Config predictConfig = predictConfig(run, outputDir, checkpointDir, trainingField);
        AssembledRun assembled = runtime.assemble(runtime.parse(predictConfig, run.baseDirectory()));
        Dataset dataset = assembled.spec().evalDatasets().get(TrainerSpec.DEFAULT_EVAL_NAME);
        if (assembled.tokenizer().isPresent() && !TokenizedDatasets.isTokenized(dataset)) {
            throw new UsageException("--input: the first example of " + input + " has no text field '"
                    + run.textField(trainingField) + "' to tokenize");
        }
        PredictionOutput predictions;
        try (Trainer trainer = runtime.trainer(assembled)) {
            if (selected != null) {
                CheckpointSelection.load(trainer, selected);
            }
            else {
                trainer.loadModel(checkpointDir);
            }
            predictions = trainer.predict(dataset);
        }
        int written = write(predictions);
        out().println("predicted " + written + " examples of " + input + " with " + checkpointDir + " into " + output);
        out().flush();
        return SUCCESS;
    }

    private static Path savedModel(Path folder) {
        if (!SavedModelFolder.isSavedModel(folder)) {
            throw new UsageException("--model " + folder + ": not a saved model folder (expected " + SavedModelFolder.WEIGHTS_DIR
                    + "/ and " + SavedModelFolder.MANIFEST + " inside, as Trainer.saveModel writes); for a checkpoint use --checkpoint");
        }
        return folder;
    }

    private static Optional<String> trainingField(Trainer4j runtime, PluginBlock block) {
        return runtime.registry().get(PluginKind.TOKENIZERS, block.type(), TokenizerFactory.class).trainingField(block.settings());
    }

    /**
     * The run as a prediction needs it: the input as its only (eval) dataset, no callbacks, metrics or best-model
     * selection, the output dir fixed, and a trained tokenizer loaded from the {@code tokenizer.json} saved at train
     * time.
     */
    private Config predictConfig(RunConfig run, Path outputDir, Path checkpointDir, Optional<String> trainingField) {
        Config config = run.resolved().withoutPath("data").withoutPath("callbacks").withoutPath("metrics")
                .withValue("callbacks", ConfigValueFactory.fromIterable(List.of()))
                .withValue("metrics", ConfigValueFactory.fromIterable(List.of()))
                // without metrics there is no best model to pick: the run's best-model settings do not apply
                .withValue("args.metric-for-best-model", ConfigValueFactory.fromAnyRef(null))
                .withValue("args.load-best-model-at-end", ConfigValueFactory.fromAnyRef(false))
                .withValue("args.output-dir", ConfigValueFactory.fromAnyRef(outputDir.toAbsolutePath().toString()))
                .withValue("data.text-field", ConfigValueFactory.fromAnyRef(run.textField(trainingField)));
        Config inputBlock = ConfigFactory.empty()
                .withValue("type", ConfigValueFactory.fromAnyRef("jsonl"))
                .withValue("path", ConfigValueFactory.fromAnyRef(input.toAbsolutePath().toString()));
        Optional<PluginBlock> train = run.trainData();
        if (train.isPresent() && train.get().type().equals("jsonl") && train.get().settings().hasPath("fields")) {
            inputBlock = inputBlock.withValue("fields", train.get().settings().getValue("fields"));
        }
        config = config.withValue("data.eval", inputBlock.root());
        if (trainingField.isPresent()) {
            Path saved = tokenizerFile(checkpointDir, outputDir);
            config = config.withValue("tokenizer.path", ConfigValueFactory.fromAnyRef(saved.toAbsolutePath().toString()));
        }
        return config;
    }

    private static Path tokenizerFile(Path checkpointDir, Path outputDir) {
        List<Path> candidates = new ArrayList<>();
        candidates.add(checkpointDir.resolve(TrainerAssembler.TOKENIZER_FILE));
        if (checkpointDir.toAbsolutePath().getParent() != null) {
            candidates.add(checkpointDir.toAbsolutePath().getParent().resolve(TrainerAssembler.TOKENIZER_FILE));
        }
        candidates.add(outputDir.resolve(TrainerAssembler.TOKENIZER_FILE));
        return candidates.stream().filter(Files::isRegularFile).findFirst().orElseThrow(() -> new UsageException(
                "the run's tokenizer learns its vocabulary at train time, but no " + TrainerAssembler.TOKENIZER_FILE
                        + " was saved next to " + checkpointDir + " (looked at " + candidates + "); train the run again"));
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
                    JsonNode original = JSON.readTree(lines.get(row));
                    ObjectNode record = original instanceof ObjectNode object ? object.deepCopy() : JSON.createObjectNode();
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
                    writer.write(JSON.writeValueAsString(record));
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
