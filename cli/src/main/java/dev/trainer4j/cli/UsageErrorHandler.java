package dev.trainer4j.cli;

import picocli.CommandLine;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;

import java.io.PrintWriter;

/**
 * Command-line parsing errors (unknown option, missing value, bad type) as one line on stderr naming the command and
 * pointing to its {@code --help}; exit code 2.
 */
final class UsageErrorHandler implements IParameterExceptionHandler {
    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine commandLine = e.getCommandLine();
        PrintWriter err = commandLine.getErr();
        String command = commandLine.getCommandSpec().qualifiedName();
        err.println(command + ": " + e.getMessage() + " (see '" + command + " --help')");
        err.flush();
        return CliCommand.USAGE;
    }
}
