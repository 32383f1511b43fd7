package dev.trainer4j.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.trainer4j.config.ConfigOverrides;
import dev.trainer4j.config.RunConfig;
import dev.trainer4j.runtime.Trainer4j;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The run file argument and {@code --set} overrides shared by {@code train} and {@code config}. */
final class RunFileOptions {
    @Parameters(index = "0", arity = "0..1", paramLabel = "RUN_FILE",
            description = "The run file (HOCON). Default: -D" + CliContext.DEFAULT_RUN_PROPERTY + ", $"
                    + CliContext.DEFAULT_RUN_ENV + ", or samples/text-classification/run.conf.")
    Path runFile;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Overrides a key of the run file; the value is HOCON, e.g. --set args.learning-rate=3e-4 "
                    + "--set 'metrics=[accuracy, f1]'. Repeatable; later ones win.")
    List<String> overrides = new ArrayList<>();

    /** The run file given, or the default one (which must exist). */
    Path runFile(CliContext context) {
        if (runFile != null) {
            return runFile;
        }
        Path fallback = context.defaultRunFile();
        if (!Files.isRegularFile(fallback)) {
            throw new UsageException("no run file given and the default run file " + fallback + " does not exist; pass one, "
                    + "e.g. trainer4j train run.conf, or set -D" + CliContext.DEFAULT_RUN_PROPERTY + " or $"
                    + CliContext.DEFAULT_RUN_ENV);
        }
        return fallback;
    }

    RunConfig load(Trainer4j runtime, CliContext context) {
        return load(runtime, context, ConfigFactory.empty());
    }

    /** Loads the run file with {@code extra} over the {@code --set} overrides. */
    RunConfig load(Trainer4j runtime, CliContext context, Config extra) {
        Config parsedOverrides = ConfigOverrides.parse(overrides);
        RunConfig run = runtime.load(runFile(context), extra.withFallback(parsedOverrides));
        CliCommand.applyLogLevel(run.args().logLevel());
        return run;
    }
}
