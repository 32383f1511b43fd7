package dev.trainer4j.cli;

import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.config.RunConfig;
import dev.trainer4j.runtime.Trainer4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code trainer4j evaluate}: builds the run of a run file, loads the weights of a checkpoint and evaluates every
 * eval dataset; prints the metrics sorted by name, one {@code name = value} a line.
 */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Loads a checkpoint of a run and evaluates the run's eval datasets.")
final class EvaluateCommand extends CliCommand {
    @Mixin
    RunFileOptions runFile = new RunFileOptions();

    @Option(names = "--checkpoint", paramLabel = "DIR|latest|best",
            description = "The weights to evaluate: a checkpoint folder (relative to the working directory), 'latest' "
                    + "or 'best' (in args.output-dir). Default: best when the latest checkpoint names one, else latest.")
    String checkpoint;

    EvaluateCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        Trainer4j runtime = context.runtime().get();
        RunConfig run = runFile.load(runtime, context);
        if (run.evalData().isEmpty()) {
            throw new ConfigurationException("data.eval", "data.eval: missing; trainer4j evaluate needs an eval dataset, "
                    + "e.g. data { eval { type = jsonl, path = validation.jsonl } }");
        }
        CheckpointSelection.Selected selected = CheckpointSelection.forRun(run, spec.commandLine().getErr())
                .select(checkpoint);
        try (Trainer trainer = runtime.trainer(run)) {
            CheckpointSelection.load(trainer, selected);
            Map<String, Double> metrics = trainer.evaluate();
            PrintWriter out = out();
            out.println("evaluate: " + selected.checkpoint() + " (" + selected.reason() + ")");
            new TreeMap<>(metrics).forEach((name, value) -> out.println("  " + name + " = " + value));
            out.flush();
        }
        return SUCCESS;
    }
}
