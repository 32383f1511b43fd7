package dev.trainer4j.cli;

import dev.trainer4j.runtime.Trainer4j;
import dev.trainer4j.spi.StartupTimeline;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

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
        CommandLine commandLine = new CommandLine(new Trainer4jCli())
                .addSubcommand(new TrainCommand(context))
                .addSubcommand(new PredictCommand(context))
                .addSubcommand(new GenerateCommand(context))
                .addSubcommand(new ConfigCommand(context))
                .addSubcommand(new PluginsCommand(context))
                .addSubcommand(new EvaluateCommand(context))
                .addSubcommand(new ExportCommand(context))
                .addSubcommand(new ReportCommand(context))
                .addSubcommand(new HpoCommand(context));
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

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Trainer4jCli.class.getPackage().getImplementationVersion();
            return new String[] {"trainer4j " + (version == null ? "(development build)" : version)};
        }
    }
}
