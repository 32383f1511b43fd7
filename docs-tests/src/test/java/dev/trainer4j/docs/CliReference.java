package dev.trainer4j.docs;

import dev.trainer4j.cli.CliContext;
import dev.trainer4j.cli.Trainer4jCli;
import dev.trainer4j.runtime.Trainer4j;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * docs/cli.md, generated from picocli's own usage help: {@code trainer4j --help}, then {@code trainer4j <command>
 * --help} for every command the top-level help lists, each verbatim in a code block.
 */
final class CliReference {
    static final Path FILE = Path.of("cli.md");

    private CliReference() {
    }

    /** The usage help of {@code trainer4j} with these arguments (e.g. {@code train --help}). */
    static String help(String... arguments) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CliContext context = new CliContext(Trainer4j::create, CliContext.BUILT_IN_DEFAULT_RUN);
        int exitCode = Trainer4jCli.run(context, new PrintWriter(out), new PrintWriter(err), arguments);
        if (exitCode != 0) {
            throw new IllegalStateException("trainer4j " + String.join(" ", arguments) + " exited with " + exitCode + ": " + err);
        }
        return out.toString().replace("\r\n", "\n").stripTrailing();
    }

    /** The commands the top-level help lists under {@code Commands:}, in its order. */
    static List<String> commands() {
        List<String> commands = new ArrayList<>();
        boolean inCommands = false;
        for (String line : help("--help").lines().toList()) {
            if (line.startsWith("Commands:")) {
                inCommands = true;
                continue;
            }
            if (inCommands && line.matches("  [a-z][a-z0-9-]*( .*)?")) {
                commands.add(line.strip().split("\\s+")[0]);
            }
            else if (inCommands && !line.isBlank() && !line.startsWith("   ")) {
                inCommands = false;
            }
        }
        return commands;
    }

    static String render() {
        StringBuilder out = new StringBuilder();
        out.append("<!-- GENERATED from picocli's usage help by docs-tests' CliReference; do not edit. Regenerate: ")
                .append(Repository.REGENERATE_COMMAND).append(" -->\n\n");
        out.append("# CLI reference\n\n");
        out.append("The `trainer4j` command's own help, one section per command (`./trainer4j <command> --help` prints the\n"
                + "same). Exit codes: 0 success, 2 a usage or configuration error (one message on stderr), 1 a failure during\n"
                + "a run. The launcher script `./trainer4j` builds the distribution on first use and runs it with\n"
                + "`TRAINER4J_CLASSPATH` (extra plugin jars) on the class path; see [Getting started](getting-started.md).\n");
        out.append("\n## trainer4j\n\n```text\n").append(help("--help")).append("\n```\n");
        for (String command : commands()) {
            if (command.equals("help")) {
                continue;
            }
            out.append("\n## trainer4j ").append(command).append("\n\n```text\n").append(help(command, "--help")).append("\n```\n");
        }
        return out.toString();
    }
}
