package dev.trainer4j.cli;

import dev.trainer4j.config.RunConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trainer4j config}: prints the run fully resolved, after every default and override. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Validates a run file and prints it fully resolved: every default filled in, overrides applied.")
final class ConfigCommand extends CliCommand {
    @Mixin
    RunFileOptions runFile = new RunFileOptions();

    @Option(names = "--json", description = "Print JSON instead of HOCON.")
    boolean json;

    ConfigCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        RunConfig run = runFile.load(context.runtime().get(), context);
        out().println(json ? run.renderJson() : run.render());
        out().flush();
        return SUCCESS;
    }
}
