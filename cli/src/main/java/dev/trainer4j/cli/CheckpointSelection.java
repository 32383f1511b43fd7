package dev.trainer4j.cli;

import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.TrainerState;
import dev.trainer4j.config.RunConfig;
import dev.trainer4j.config.RunConfigParser;
import dev.trainer4j.loop.Checkpoints;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The {@code --checkpoint DIR|latest|best} choice of the commands that load trained weights (evaluate, export):
 * <ul>
 *   <li>a folder: that checkpoint (relative paths resolve against the working directory);</li>
 *   <li>{@code latest}: the newest intact {@code checkpoint-<step>} of {@code args.output-dir} (newer damaged ones are
 *       skipped with a warning, as {@code train --resume latest} does);</li>
 *   <li>{@code best}: the {@code best_model_checkpoint} named by the latest checkpoint's {@code trainer_state.json};</li>
 *   <li>not given: {@code best} when the latest checkpoint names one, else {@code latest}.</li>
 * </ul>
 * The chosen folder is verified against its manifest; a missing or damaged one is a usage error naming it.
 */
final class CheckpointSelection {
    static final String LATEST = "latest";
    static final String BEST = "best";

    /** The checkpoint to load and how it was chosen, e.g. {@code latest} or {@code best (best metric 0.31 at step 40)}. */
    record Selected(Path checkpoint, String reason) {
        Selected {
            requireNonNull(checkpoint, "checkpoint is null");
            requireNonNull(reason, "reason is null");
        }
    }

    private final Path outputDir;
    private final boolean freshOutputDir;
    private final PrintWriter warnings;

    /**
     * @param outputDir the run's {@code args.output-dir}, where {@code latest} and {@code best} look
     * @param freshOutputDir true when the run file's output-dir has {@code {timestamp}} (a new folder per invocation)
     * @param warnings where skipped damaged checkpoints are reported
     */
    CheckpointSelection(Path outputDir, boolean freshOutputDir, PrintWriter warnings) {
        this.outputDir = requireNonNull(outputDir, "outputDir is null");
        this.freshOutputDir = freshOutputDir;
        this.warnings = requireNonNull(warnings, "warnings is null");
    }

    /** Chooses the checkpoint for {@code choice} (a folder, {@code latest}, {@code best}, or null for the default). */
    Selected select(String choice) {
        if (choice != null && choice.isBlank()) {
            throw new UsageException("--checkpoint: expected a checkpoint folder, 'latest' or 'best'");
        }
        if (choice == null) {
            Path latest = latest("no --checkpoint given");
            return best(latest, false).orElseGet(() -> new Selected(latest, LATEST));
        }
        if (choice.equals(LATEST)) {
            return new Selected(latest("--checkpoint latest"), LATEST);
        }
        if (choice.equals(BEST)) {
            return best(latest("--checkpoint best"), true).orElseThrow();
        }
        return folder(Path.of(choice), "--checkpoint " + choice);
    }

    /** A checkpoint folder given as a path ({@code what} names where it was given, for errors). */
    Selected folder(Path folder, String what) {
        if (!Files.isDirectory(folder)) {
            throw new UsageException(what + ": no such folder (" + folder.toAbsolutePath().normalize()
                    + "); expected a checkpoint folder such as " + outputDir.resolve(Checkpoints.name(500)) + ", 'latest' or 'best'");
        }
        return new Selected(verified(folder, what), "given");
    }

    /**
     * Loads the selected weights into {@code trainer}; a folder that cannot be loaded is a usage error naming it.
     * The trainer's step and epoch are set to the checkpoint's, so what the run's logging callbacks record of a later
     * evaluate (e.g. metrics.jsonl) is placed at the step of the weights, not at step 0.
     */
    static void load(Trainer trainer, Selected selected) {
        try {
            trainer.loadModel(selected.checkpoint());
            TrainerState saved = Checkpoints.readTrainerState(selected.checkpoint().resolve(Checkpoints.TRAINER_STATE));
            trainer.state().setGlobalStep(saved.globalStep());
            trainer.state().setEpoch(saved.epoch());
        }
        catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private Path latest(String what) {
        Checkpoints.Latest latest = Checkpoints.findLatest(outputDir);
        latest.skipped().forEach((skipped, problem) ->
                warnings.println("warning: skipping damaged or unfinished checkpoint " + skipped + ": " + problem));
        warnings.flush();
        return latest.checkpoint().orElseThrow(() -> new UsageException(what + ": " + noCheckpointReason(latest.skipped())));
    }

    private String noCheckpointReason(Map<Path, String> skipped) {
        String reason;
        if (!Files.isDirectory(outputDir)) {
            reason = "args.output-dir " + outputDir + " does not exist";
        }
        else {
            reason = "args.output-dir " + outputDir + " holds no intact checkpoint-<step> folder"
                    + (skipped.isEmpty() ? "" : " (skipped " + skipped.size() + " damaged or unfinished: newest "
                    + skipped.keySet().iterator().next().getFileName() + ": " + skipped.values().iterator().next() + ")");
        }
        if (freshOutputDir) {
            reason += "; the run file's output-dir has " + RunConfigParser.TIMESTAMP + ", which names a new folder on "
                    + "every invocation and no earlier folder of that pattern holds a checkpoint; train first, or give the checkpoint as a path: --checkpoint runs/<run-folder>/checkpoint-<step>";
        }
        else {
            reason += "; train first, or give the checkpoint as a path with --checkpoint DIR";
        }
        return reason;
    }

    /** The best checkpoint named by {@code latest}'s trainer_state.json; empty (or an error when required) without one. */
    private Optional<Selected> best(Path latest, boolean required) {
        Path stateFile = latest.resolve(Checkpoints.TRAINER_STATE);
        TrainerState state = Checkpoints.readTrainerState(stateFile);
        String named = state.bestModelCheckpoint();
        if (named == null || named.isBlank()) {
            if (required) {
                throw new UsageException("--checkpoint best: " + stateFile + " names no best_model_checkpoint (the run "
                        + "tracks a best checkpoint only with args.metric-for-best-model and an eval-strategy); use "
                        + "--checkpoint latest or a checkpoint folder");
            }
            return Optional.empty();
        }
        // the stored path is relative to where training ran; the best checkpoint is a sibling of the latest one
        Path best = outputDir.resolve(Path.of(named).getFileName());
        String what = (required ? "--checkpoint best" : "the best checkpoint") + " (best_model_checkpoint of " + stateFile + ")";
        if (!Files.isDirectory(best)) {
            throw new UsageException(what + ": " + best + " does not exist; use --checkpoint latest or a checkpoint folder");
        }
        String metric = state.bestMetric() == null ? "" : " (best metric " + state.bestMetric() + " at step " + state.bestGlobalStep() + ")";
        return Optional.of(new Selected(verified(best, what), BEST + metric));
    }

    private static Path verified(Path checkpoint, String what) {
        Optional<String> problem = Checkpoints.verify(checkpoint);
        if (problem.isPresent()) {
            throw new UsageException(what + ": checkpoint " + checkpoint + " is damaged: " + problem.get());
        }
        return checkpoint;
    }

    /**
     * The selection for a run: {@code latest} and {@code best} look in {@code args.output-dir}; when that names a new
     * folder per invocation ({@value RunConfigParser#TIMESTAMP} in its last folder name), in the newest existing folder
     * of that pattern that holds a checkpoint.
     */
    static CheckpointSelection forRun(RunConfig run, PrintWriter warnings) {
        String raw = run.resolved().getString("args.output-dir");
        Path configured = Path.of(run.args().outputDir());
        if (!raw.contains(RunConfigParser.TIMESTAMP)) {
            return new CheckpointSelection(configured, false, warnings);
        }
        Optional<Path> newest = newestRunFolder(raw);
        return new CheckpointSelection(newest.orElse(configured), newest.isEmpty(), warnings);
    }

    /** The folder {@code latest} and {@code best} look in. */
    Path outputDir() {
        return outputDir;
    }

    private static Optional<Path> newestRunFolder(String pattern) {
        Path patternPath = Path.of(pattern);
        String name = patternPath.getFileName().toString();
        Path parent = patternPath.getParent() == null ? Path.of("") : patternPath.getParent();
        if (!name.contains(RunConfigParser.TIMESTAMP) || parent.toString().contains(RunConfigParser.TIMESTAMP)) {
            throw new UsageException("args.output-dir = " + pattern + ": " + RunConfigParser.TIMESTAMP
                    + " is only looked up in the last folder name; pass --set args.output-dir=<the run's folder>");
        }
        String prefix = name.substring(0, name.indexOf(RunConfigParser.TIMESTAMP));
        String suffix = name.substring(name.indexOf(RunConfigParser.TIMESTAMP) + RunConfigParser.TIMESTAMP.length());
        if (!Files.isDirectory(parent.toAbsolutePath())) {
            return Optional.empty();
        }
        Path newest = null;
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(parent.toAbsolutePath())) {
            for (Path folder : folders) {
                String folderName = folder.getFileName().toString();
                boolean matches = folderName.startsWith(prefix) && folderName.endsWith(suffix)
                        && folderName.length() > prefix.length() + suffix.length();
                if (matches && Files.isDirectory(folder) && Checkpoints.findLatest(folder).checkpoint().isPresent()
                        && (newest == null || folderName.compareTo(newest.getFileName().toString()) > 0)) {
                    newest = folder;
                }
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot list " + parent.toAbsolutePath(), e);
        }
        return Optional.ofNullable(newest);
    }
}
