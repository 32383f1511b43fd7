package dev.trainer4j.cli;

import dev.trainer4j.config.HuggingFaceArguments;
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

    @Option(names = "--explain-hf", description = "Print what trainer4j does with each of Hugging Face's TrainingArguments"
            + " and Seq2SeqTrainingArguments names (status and trainer4j key) instead of a run file.")
    boolean explainHf;

    ConfigCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        if (explainHf) {
            out().print(HuggingFaceArguments.explain());
            out().flush();
            return SUCCESS;
        }
        RunConfig run = runFile.load(context.runtime().get(), context);
        out().println(json ? run.renderJson() : run.render());
        out().flush();
        return SUCCESS;
    }
}
