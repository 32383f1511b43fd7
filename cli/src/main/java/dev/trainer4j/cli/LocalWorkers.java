package dev.trainer4j.cli;

import dev.trainer4j.cluster.ClusterSpecs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * {@code trainer4j train --workers N}: a multi-worker run on this machine, for trying it out. Starts N JVMs of the
 * same command line, each with a {@code TF_CONFIG} naming free loopback ports and its own index; worker 0 trains
 * (its output is this command's), the others serve. The launcher ends with worker 0's exit code; when another worker
 * ends first with an error, it stops them all and says which.
 */
final class LocalWorkers {
    /** How long after worker 0 ends the others get to notice and stop on their own. */
    private static final long STOP_GRACE_SECONDS = 10;

    private final List<String> commandArguments;
    private final int count;
    private final PrintWriter err;

    /**
     * @param commandArguments the arguments of {@code trainer4j} for every worker, e.g. {@code train run.conf --set ...}
     * @param count the number of workers, at least 1
     */
    LocalWorkers(List<String> commandArguments, int count, PrintWriter err) {
        this.commandArguments = List.copyOf(requireNonNull(commandArguments, "commandArguments is null"));
        if (count < 1) {
            throw new UsageException("--workers: expected a count of at least 1, got " + count);
        }
        this.count = count;
        this.err = requireNonNull(err, "err is null");
    }

    /** Runs the workers and returns worker 0's exit code. */
    int run() {
        List<String> addresses = ClusterSpecs.freeLoopbackAddresses(count);
        err.println("trainer4j train --workers " + count + ": starting workers on " + addresses + " (loopback only)");
        err.flush();
        List<Process> processes = new ArrayList<>();
        try {
            for (int task = 0; task < count; task++) {
                processes.add(start(addresses, task));
            }
            Process chief = processes.get(0);
            while (true) {
                if (chief.waitFor(500, TimeUnit.MILLISECONDS)) {
                    for (Process worker : processes.subList(1, processes.size())) {
                        if (!worker.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                            worker.destroy();
                        }
                    }
                    return chief.exitValue();
                }
                for (int task = 1; task < processes.size(); task++) {
                    Process worker = processes.get(task);
                    if (!worker.isAlive() && worker.exitValue() != 0) {
                        err.println("trainer4j train --workers: worker " + task + " (" + addresses.get(task)
                                + ") ended with exit code " + worker.exitValue() + "; stopping the others");
                        err.flush();
                        chief.waitFor(60, TimeUnit.SECONDS);
                        return chief.isAlive() ? CliCommand.FAILURE : Math.max(chief.exitValue(), CliCommand.FAILURE);
                    }
                }
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return CliCommand.FAILURE;
        }
        finally {
            for (Process process : processes) {
                process.destroyForcibly();
            }
        }
    }

    private Process start(List<String> addresses, int task) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Trainer4jCli.class.getName());
        command.addAll(commandArguments);
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put(ClusterSpecs.TF_CONFIG, ClusterSpecs.toTfConfig(addresses, task));
        if (task == 0) {
            builder.inheritIO();
        }
        else {
            builder.redirectErrorStream(true);
        }
        try {
            Process process = builder.start();
            if (task > 0) {
                forward(process, "[worker " + task + "] ");
            }
            return process;
        }
        catch (IOException e) {
            throw new UncheckedIOException("cannot start worker " + task + ": " + e.getMessage(), e);
        }
    }

    private void forward(Process process, String prefix) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    synchronized (err) {
                        err.println(prefix + line);
                        err.flush();
                    }
                }
            }
            catch (IOException ignored) {
                // the worker ended
            }
        }, "worker-output");
        thread.setDaemon(true);
        thread.start();
    }
}
