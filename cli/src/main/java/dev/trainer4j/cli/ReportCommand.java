package dev.trainer4j.cli;

import dev.trainer4j.plugins.callbacks.report.RunReport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code trainer4j report}: writes {@code report.html} (and {@code plots/}) of a run's output folder from its
 * {@code metrics.jsonl}, like the {@code report} callback does at train end.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = "Writes report.html of a run's output folder from its metrics.jsonl (written by the jsonl-logger callback).")
final class ReportCommand extends CliCommand {
    @Parameters(index = "0", arity = "0..1", paramLabel = "OUTPUT_DIR", description = "The run's output folder (args.output-dir).")
    Path outputDir;

    ReportCommand(CliContext context) {
        super(context);
    }

    @Override
    protected int execute() {
        if (outputDir == null) {
            throw new UsageException("missing OUTPUT_DIR: the run's output folder, e.g. trainer4j report runs/digits-20250101-120000-000");
        }
        if (!Files.isDirectory(outputDir)) {
            throw new UsageException("output folder " + outputDir + " does not exist");
        }
        Path metrics = outputDir.resolve(RunReport.METRICS_FILE);
        if (!Files.isRegularFile(metrics)) {
            throw new UsageException(outputDir + " has no " + RunReport.METRICS_FILE + " to report on; the run needs the "
                    + "jsonl-logger callback (callbacks = [jsonl-logger, ...])");
        }
        Path report;
        try {
            report = RunReport.write(outputDir, metrics, null);
        }
        catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        out().println("report: " + report);
        out().flush();
        return SUCCESS;
    }
}
