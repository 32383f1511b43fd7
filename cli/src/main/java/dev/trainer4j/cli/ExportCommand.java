package dev.trainer4j.cli;

import dev.trainer4j.api.Trainer;
import dev.trainer4j.config.RunConfig;
import dev.trainer4j.runtime.AssembledRun;
import dev.trainer4j.runtime.Trainer4j;
import dev.trainer4j.spi.Backend;
import dev.trainer4j.spi.BackendCapability;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * {@code trainer4j export}: loads the weights of a checkpoint into the run's model and exports it for serving
 * (a SavedModel for the TensorFlow backend). The source is a run file (the checkpoint chosen with
 * {@code --checkpoint}), or a checkpoint folder together with {@code --run FILE}: a checkpoint stores the training
 * arguments but not the model block, so the run file is always needed.
 *
 * <p>It writes only the SavedModel, at the top of {@code --output} ({@code Trainer.exportModel}), as a serving system
 * expects; {@code Trainer.saveModel} writes the same under {@code saved_model/} of a saved model folder, next to the
 * weights, model config, tokenizer and manifest that {@code loadModel}, {@code init-from} and {@code predict --model} read.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Exports the model of a checkpoint for serving (SavedModel for the TensorFlow backend).")
final class ExportCommand extends CliCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "RUN_FILE|CHECKPOINT_DIR",
            description = "The run file (HOCON), or a checkpoint folder together with --run. Default: -D"
                    + CliContext.DEFAULT_RUN_PROPERTY + ", $" + CliContext.DEFAULT_RUN_ENV + ", or samples/digits/run.conf.")
    Path source;

    @Option(names = "--output", paramLabel = "DIR", description = "Where to write the exported model; must not exist or be empty.")
    Path output;

    @Option(names = "--checkpoint", paramLabel = "DIR|latest|best",
            description = "With a run file: the weights to export, a checkpoint folder (relative to the working "
                    + "directory), 'latest' or 'best' (in args.output-dir). Default: best when the latest checkpoint "
                    + "names one, else latest.")
    String checkpoint;

    @Option(names = "--run", paramLabel = "FILE",
            description = "The run file, when the first argument is a checkpoint folder (a checkpoint does not store the model block).")
    Path run;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Overrides a key of the run file; the value is HOCON. Repeatable; later ones win.")
    List<String> overrides = new ArrayList<>();

    ExportCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        if (output == null) {
            throw new UsageException("missing --output DIR: where to write the exported model");
        }
        refuseNonEmpty(output);
        RunFileOptions runFile = new RunFileOptions();
        runFile.overrides = overrides;
        Path checkpointFolder = null;
        if (source != null && Files.isDirectory(source)) {
            if (run == null) {
                throw new UsageException(source + " is a checkpoint folder; a checkpoint stores the training arguments but "
                        + "not the model, so give the run file too: trainer4j export " + source + " --run run.conf --output " + output);
            }
            if (checkpoint != null) {
                throw new UsageException("give the checkpoint once: either the folder " + source + " or --checkpoint " + checkpoint);
            }
            runFile.runFile = run;
            checkpointFolder = source;
        }
        else if (run != null) {
            throw new UsageException("--run is only for a checkpoint folder as the first argument; "
                    + (source == null ? "give the run file as the first argument" : source + " is not a folder"));
        }
        else {
            runFile.runFile = source;
        }

        Trainer4j runtime = context.runtime().get();
        RunConfig config = runFile.load(runtime, context);
        CheckpointSelection selection = CheckpointSelection.forRun(config, spec.commandLine().getErr());
        CheckpointSelection.Selected selected = checkpointFolder != null
                ? selection.folder(checkpointFolder, "checkpoint folder " + checkpointFolder)
                : selection.select(checkpoint);
        AssembledRun assembled = runtime.assemble(config);
        Backend backend = assembled.backend();
        try (Trainer trainer = runtime.trainer(assembled)) {
            if (!backend.capabilities().contains(BackendCapability.MODEL_EXPORT)) {
                throw new IllegalStateException("backend '" + backend.name() + "' cannot export models (it lacks "
                        + BackendCapability.MODEL_EXPORT + ")");
            }
            CheckpointSelection.load(trainer, selected);
            try {
                trainer.exportModel(output);
            }
            catch (UnsupportedOperationException e) {
                throw new IllegalStateException("backend '" + backend.name() + "' cannot export models yet: "
                        + e.getMessage(), e);
            }
        }
        out().println("export: " + output + " (model of " + selected.checkpoint() + ", " + selected.reason() + ")");
        out().flush();
        return SUCCESS;
    }

    private static void refuseNonEmpty(Path output) {
        if (!Files.exists(output)) {
            return;
        }
        if (!Files.isDirectory(output)) {
            throw new UsageException("--output " + output + " is a file; expected a new or empty folder");
        }
        try (Stream<Path> entries = Files.list(output)) {
            if (entries.findAny().isPresent()) {
                throw new UsageException("--output " + output + " is not empty; expected a new or empty folder "
                        + "(remove it or choose another)");
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot list " + output, e);
        }
    }
}
