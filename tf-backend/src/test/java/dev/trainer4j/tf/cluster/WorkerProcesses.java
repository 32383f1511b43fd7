package dev.trainer4j.tf.cluster;

import dev.trainer4j.cluster.ClusterSpecs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts worker JVMs (each runs {@link ServeMain}) on loopback ports for the tests, and kills them. */
public final class WorkerProcesses implements AutoCloseable {
    public final List<String> addresses;
    private final List<Process> processes = new ArrayList<>();

    private WorkerProcesses(List<String> addresses) {
        this.addresses = addresses;
    }

    /** Free loopback addresses, one per worker. */
    public static List<String> loopbackAddresses(int count) {
        return ClusterSpecs.freeLoopbackAddresses(count);
    }

    /** Starts every worker of {@code count} fresh loopback addresses in its own JVM. */
    public static WorkerProcesses start(int count) throws IOException {
        List<String> addresses = loopbackAddresses(count);
        WorkerProcesses workers = new WorkerProcesses(addresses);
        for (int task = 0; task < count; task++) {
            workers.processes.add(launch(addresses, task, 1));
        }
        return workers;
    }

    /** Starts workers {@code 1..} of {@code addresses} in their own JVMs; worker 0 is the caller's (the chief). */
    public static WorkerProcesses startAllButChief(List<String> addresses, int devicesPerWorker) throws IOException {
        WorkerProcesses workers = new WorkerProcesses(addresses);
        workers.processes.add(null);
        for (int task = 1; task < addresses.size(); task++) {
            workers.processes.add(launch(addresses, task, devicesPerWorker));
        }
        return workers;
    }

    /** Starts worker {@code task} again (after {@link #kill}), at the same address. */
    public void restart(int task) throws IOException {
        processes.set(task, launch(addresses, task, 1));
    }

    private static Process launch(List<String> addresses, int task, int devices) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-Ddevices=" + devices, "-cp",
                System.getProperty("java.class.path"), ServeMain.class.getName());
        builder.environment().put(ClusterSpecs.TF_CONFIG, ClusterSpecs.toTfConfig(addresses, task));
        builder.redirectErrorStream(true);
        Process process = builder.start();
        try {
            awaitReady(process, task);
        }
        catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            throw e;
        }
        return process;
    }

    private static void awaitReady(Process process, int task) throws IOException {
        BufferedReader output = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        List<String> seen = new ArrayList<>();
        for (String line; (line = output.readLine()) != null; ) {
            if (line.equals(ServeMain.READY)) {
                Thread drain = new Thread(() -> {
                    try {
                        while (output.readLine() != null) {
                            // keep the pipe empty
                        }
                    }
                    catch (IOException ignored) {
                        // the process ended
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return;
            }
            seen.add(line);
        }
        throw new UncheckedIOException(new IOException("worker " + task + " ended before serving: " + seen));
    }

    public void kill(int task) throws InterruptedException {
        Process process = processes.get(task);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        for (Process process : processes) {
            if (process != null) {
                process.destroyForcibly();
            }
        }
        for (Process process : processes) {
            if (process != null) {
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
