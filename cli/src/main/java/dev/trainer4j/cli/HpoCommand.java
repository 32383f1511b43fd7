package dev.trainer4j.cli;

import dev.trainer4j.api.SearchResult;
import dev.trainer4j.api.TrialResult;
import dev.trainer4j.api.TrialState;
import dev.trainer4j.config.ConfigOverrides;
import dev.trainer4j.runtime.Trainer4j;
import dev.trainer4j.search.HyperparameterSearch;
import dev.trainer4j.search.RunFileSearch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code trainer4j hpo run.conf}: the hyperparameter search of the run file's {@code search} block. Prints one line
 * per trial and the best one; {@code output-dir/hpo_results.json} and {@code hpo_report.html} hold the details. Exits
 * with 0 when a trial completed, 1 when none did, 2 for a bad search block or run file (before any trial trains).
 */
@Command(name = "hpo", mixinStandardHelpOptions = true,
        description = "Runs the hyperparameter search of the run file's search block; each trial in output-dir/trial-<n>/.")
final class HpoCommand extends CliCommand {
    @Mixin
    RunFileOptions runFile = new RunFileOptions();

    HpoCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        Trainer4j runtime = context.runtime().get();
        HyperparameterSearch search = RunFileSearch.create(runtime, runFile.runFile(context),
                ConfigOverrides.parse(runFile.overrides));
        SearchResult result = search.run();
        PrintWriter out = out();
        for (TrialResult trial : result.trials()) {
            out.println("trial " + trial.number() + " " + trial.state().configName() + " objective = "
                    + (trial.objective().isPresent() ? format(trial.objective().getAsDouble()) : "-") + " " + trial.parameters()
                    + (trial.message().isEmpty() ? "" : " (" + trial.message() + ")"));
        }
        Optional<TrialResult> best = result.bestTrial();
        long complete = result.trials().stream().filter(trial -> trial.state() == TrialState.COMPLETE).count();
        if (best.isEmpty()) {
            out.println("no trial completed");
            out.flush();
            return FAILURE;
        }
        out.println("best trial " + best.get().number() + ": objective = " + format(best.get().objective().getAsDouble())
                + " " + best.get().parameters() + " (" + complete + " of " + result.trials().size() + " trials complete)");
        out.flush();
        return SUCCESS;
    }

    private static String format(double value) {
        return String.format(Locale.ROOT, "%.6g", value);
    }
}
