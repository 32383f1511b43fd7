package dev.trainer4j.cli;

import dev.trainer4j.runtime.Trainer4j;
import dev.trainer4j.spi.StartupTimeline;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Function;

/**
 * The {@code trainer4j} command: {@code train}, {@code predict}, {@code config}, {@code plugins}, {@code hpo}, .... Exit codes: 0 success,
 * 2 usage or configuration error (one message on stderr), 1 failure during a run.
 */
@Command(name = "trainer4j", mixinStandardHelpOptions = true, versionProvider = Trainer4jCli.Version.class,
        description = "Trains models described by HOCON run files on TensorFlow Java.",
        subcommands = CommandLine.HelpCommand.class)
public final class Trainer4jCli implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        StartupTimeline.process().mark("launcher+jvm");
        // Guice's first injector loads its classes while the command line and the run file are read
        Trainer4j.warmUpInBackground();
        System.exit(run(CliContext.fromEnvironment(), new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line and returns the exit code. */
    public static int run(CliContext context, PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new Trainer4jCli());
        // picocli reads a command's annotations when it is added (about 0.1 s a command in a fresh JVM): a command
        // line that names its command gets only that one; anything else (help, a typo, no command) gets them all
        String named = args.length > 0 ? args[0] : "";
        boolean known = SUBCOMMANDS.stream().anyMatch(subcommand -> subcommand.name().equals(named));
        for (Subcommand subcommand : SUBCOMMANDS) {
            if (!known || subcommand.name().equals(named)) {
                commandLine.addSubcommand(subcommand.name(), subcommand.factory().apply(context));
            }
        }
        commandLine.setParameterExceptionHandler(new UsageErrorHandler());
        commandLine.setOut(out);
        commandLine.setErr(err);
        int exitCode = commandLine.execute(args);
        out.flush();
        err.flush();
        return exitCode;
    }

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        err.println("trainer4j: missing command");
        spec.commandLine().usage(err);
        return CliCommand.USAGE;
    }

    /** A command of {@code trainer4j}: its name (as its {@code @Command} annotation gives it) and how to make it. */
    record Subcommand(String name, Function<CliContext, Object> factory) {
    }

    /** Every command, in the order {@code trainer4j --help} lists them. */
    static final List<Subcommand> SUBCOMMANDS = List.of(
            new Subcommand("train", TrainCommand::new),
            new Subcommand("predict", PredictCommand::new),
            new Subcommand("generate", GenerateCommand::new),
            new Subcommand("config", ConfigCommand::new),
            new Subcommand("plugins", PluginsCommand::new),
            new Subcommand("evaluate", EvaluateCommand::new),
            new Subcommand("export", ExportCommand::new),
            new Subcommand("report", ReportCommand::new),
            new Subcommand("hpo", HpoCommand::new));

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Trainer4jCli.class.getPackage().getImplementationVersion();
            return new String[] {"trainer4j " + (version == null ? "(development build)" : version)};
        }
    }
}
