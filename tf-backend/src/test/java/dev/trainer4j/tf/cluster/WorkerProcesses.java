package dev.trainer4j.tf.cluster;

import dev.trainer4j.cluster.ClusterSpecs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Starts worker JVMs (each runs {@link ServeMain}) on loopback ports for the tests, and kills them. */
final class WorkerProcesses implements AutoCloseable {
    final List<String> addresses;
    private final List<Process> processes = new ArrayList<>();

    private WorkerProcesses(List<String> addresses) {
        this.addresses = addresses;
    }

    static WorkerProcesses start(int count) throws IOException, InterruptedException {
        List<String> addresses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                addresses.add("127.0.0.1:" + socket.getLocalPort());
            }
        }
        WorkerProcesses workers = new WorkerProcesses(addresses);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (int task = 0; task < count; task++) {
            ProcessBuilder builder = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                    ServeMain.class.getName());
            builder.environment().put(ClusterSpecs.TF_CONFIG, ClusterSpecs.toTfConfig(addresses, task));
            builder.redirectErrorStream(true);
            Process process = builder.start();
            workers.processes.add(process);
            awaitReady(process, task);
        }
        return workers;
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

    void kill(int task) throws InterruptedException {
        Process process = processes.get(task);
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        for (Process process : processes) {
            process.destroyForcibly();
        }
        for (Process process : processes) {
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
