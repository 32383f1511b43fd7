package dev.trainer4j.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.trainer4j.api.Dataset;
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

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A run file rebuilt for inference with trained weights ({@code trainer4j predict} and {@code trainer4j generate}):
 * the input file as its only (eval) dataset, no callbacks, metrics or best-model selection, the output dir fixed, a
 * trained tokenizer loaded from the {@code tokenizer.json} saved at train time, and the weights of a checkpoint
 * ({@code --checkpoint DIR|latest|best}) or of a saved model folder ({@code --model DIR}).
 */
final class CheckpointedRun {
    private final Trainer4j runtime;
    private final AssembledRun assembled;
    private final Dataset dataset;
    private final CheckpointSelection.Selected selected;
    private final Path weights;

    private CheckpointedRun(Trainer4j runtime, AssembledRun assembled, Dataset dataset,
                            CheckpointSelection.Selected selected, Path weights) {
        this.runtime = runtime;
        this.assembled = assembled;
        this.dataset = dataset;
        this.selected = selected;
        this.weights = weights;
    }

    /** Builds the run of {@code runFile} for {@code input}; usage errors name the option. */
    static CheckpointedRun prepare(CliContext context, RunFileOptions runFile, Path input, String checkpoint, Path model,
                                   PrintWriter err) {
        Trainer4j runtime = context.runtime().get();
        RunConfig run = runFile.load(runtime, context);
        if (!Files.isRegularFile(input)) {
            throw new UsageException("--input: " + input + " does not exist or is not a file");
        }
        if (model != null && checkpoint != null) {
            throw new UsageException("give the weights once: either --model " + model + " or --checkpoint " + checkpoint);
        }
        CheckpointSelection selection = CheckpointSelection.forRun(run, err);
        CheckpointSelection.Selected selected = model != null ? null : selection.select(checkpoint);
        Path outputDir = selection.outputDir();
        Path weights = model != null ? savedModel(model) : selected.checkpoint();
        Optional<String> trainingField = run.tokenizer().flatMap(block -> trainingField(runtime, block));
        Config config = inferenceConfig(run, input, outputDir, weights, trainingField);
        AssembledRun assembled = runtime.assemble(runtime.parse(config, run.baseDirectory()));
        Dataset dataset = assembled.spec().evalDatasets().get(TrainerSpec.DEFAULT_EVAL_NAME);
        if (assembled.tokenizer().isPresent() && !TokenizedDatasets.isTokenized(dataset)) {
            throw new UsageException("--input: the first example of " + input + " has no text field '"
                    + run.textField(trainingField) + "' to tokenize");
        }
        return new CheckpointedRun(runtime, assembled, dataset, selected, weights);
    }

    /** The input, encoded like the training data. */
    Dataset dataset() {
        return dataset;
    }

    /** The checkpoint or saved model folder whose weights are used. */
    Path weights() {
        return weights;
    }

    /** Makes the trainer, loads the weights, applies {@code action} and closes the trainer. */
    <T> T apply(Function<Trainer, T> action) {
        try (Trainer trainer = runtime.trainer(assembled)) {
            if (selected != null) {
                CheckpointSelection.load(trainer, selected);
            }
            else {
                trainer.loadModel(weights);
            }
            return action.apply(trainer);
        }
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
     * The run as inference needs it: the input as its only (eval) dataset, no callbacks, metrics or best-model
     * selection, the output dir fixed, and a trained tokenizer loaded from the {@code tokenizer.json} saved at train
     * time.
     */
    private static Config inferenceConfig(RunConfig run, Path input, Path outputDir, Path weights,
                                          Optional<String> trainingField) {
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
            Path saved = tokenizerFile(weights, outputDir);
            config = config.withValue("tokenizer.path", ConfigValueFactory.fromAnyRef(saved.toAbsolutePath().toString()));
        }
        return config;
    }

    private static Path tokenizerFile(Path weights, Path outputDir) {
        List<Path> candidates = new ArrayList<>();
        candidates.add(weights.resolve(TrainerAssembler.TOKENIZER_FILE));
        if (weights.toAbsolutePath().getParent() != null) {
            candidates.add(weights.toAbsolutePath().getParent().resolve(TrainerAssembler.TOKENIZER_FILE));
        }
        candidates.add(outputDir.resolve(TrainerAssembler.TOKENIZER_FILE));
        return candidates.stream().filter(Files::isRegularFile).findFirst().orElseThrow(() -> new UsageException(
                "the run's tokenizer learns its vocabulary at train time, but no " + TrainerAssembler.TOKENIZER_FILE
                        + " was saved next to " + weights + " (looked at " + candidates + "); train the run again"));
    }
}
