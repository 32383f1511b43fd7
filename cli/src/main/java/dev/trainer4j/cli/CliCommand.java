package dev.trainer4j.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.trainer4j.api.InvalidInputException;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

import static java.util.Objects.requireNonNull;

/**
 * A subcommand: runs {@link #execute()} and turns its errors into exit codes by type. The user-error branch of the
 * exception tree ({@link InvalidInputException}: configuration, arguments, plugins, data) and the command's own usage
 * errors print one message and exit with 2; any other failure exits with 1. Stack traces only with
 * {@code --verbose}.
 */
abstract class CliCommand implements Callable<Integer> {
    static final int SUCCESS = 0;
    static final int FAILURE = 1;
    static final int USAGE = 2;

    protected final CliContext context;

    @Spec
    protected CommandSpec spec;

    @Option(names = "--verbose", description = "Debug logging, and stack traces with errors.")
    protected boolean verbose;

    CliCommand(CliContext context) {
        this.context = requireNonNull(context, "context is null");
    }

    /** The command's work; returns the exit code. */
    protected abstract int execute();

    @Override
    public final Integer call() {
        Logger logger = (Logger) LoggerFactory.getLogger("dev.trainer4j");
        Level level = logger.getLevel();
        if (verbose) {
            logger.setLevel(Level.DEBUG);
        }
        try {
            return executeReportingErrors();
        }
        finally {
            logger.setLevel(level);
        }
    }

    private int executeReportingErrors() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            return execute();
        }
        catch (InvalidInputException | UsageException e) {
            err.println("trainer4j " + spec.name() + ": " + e.getMessage());
            if (verbose) {
                e.printStackTrace(err);
            }
            err.flush();
            return USAGE;
        }
        catch (RuntimeException | Error e) {
            err.println("trainer4j " + spec.name() + " failed: " + describe(e));
            if (verbose) {
                e.printStackTrace(err);
            }
            else {
                err.println("(run again with --verbose for the stack trace)");
            }
            err.flush();
            return FAILURE;
        }
    }

    /**
     * HF's {@code log_level} for trainer4j's loggers ({@code dev.trainer4j}) during this command: debug, info, warning,
     * error or critical (error); passive keeps the configured level, and {@code --verbose} (debug) wins. The level
     * before the command comes back when it ends.
     */
    static void applyLogLevel(String hfLevel) {
        Logger logger = (Logger) LoggerFactory.getLogger("dev.trainer4j");
        if (hfLevel.equals("passive") || Level.DEBUG.equals(logger.getLevel())) {
            return;
        }
        logger.setLevel(switch (hfLevel) {
            case "debug" -> Level.DEBUG;
            case "info" -> Level.INFO;
            case "warning" -> Level.WARN;
            default -> Level.ERROR;
        });
    }

    protected PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + message;
    }
}
