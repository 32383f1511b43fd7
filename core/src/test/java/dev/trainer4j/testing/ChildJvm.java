package dev.trainer4j.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * A child JVM of a kill, signal or resume test: started with this JVM's java and class path, its stdout lines read
 * into a queue as they come, its stderr written to a file that failure messages quote. Every wait is bounded by the
 * limit given at start; a child that never prints what a test waits for is killed and the test fails with its output.
 */
public final class ChildJvm implements AutoCloseable {
    private static final String END_OF_OUTPUT = "<EOF>";

    private final Process process;
    private final Path stderr;
    private final Duration waitLimit;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> seen = new ArrayList<>();

    private ChildJvm(Process process, Path stderr, Duration waitLimit) {
        this.process = process;
        this.stderr = stderr;
        this.waitLimit = waitLimit;
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                }
            }
            catch (IOException e) {
                // the child ended or was killed
            }
            lines.add(END_OF_OUTPUT);
        }, "child-jvm-stdout");
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code mainClass} with {@code arguments} in a new JVM with {@code jvmOptions} (plus the JavaCPP cache
     * folder of this JVM, so TensorFlow's natives are not unpacked again) and {@code environment} added to this
     * process's; its stderr goes to a new file in {@code stderrFolder}.
     */
    public static ChildJvm start(Path stderrFolder, Duration waitLimit, List<String> jvmOptions, Map<String, String> environment,
                                 Class<?> mainClass, List<String> arguments) throws IOException {
        requireNonNull(stderrFolder, "stderrFolder is null");
        requireNonNull(waitLimit, "waitLimit is null");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        String cache = System.getProperty("org.bytedeco.javacpp.cachedir");
        if (cache != null) {
            command.add("-Dorg.bytedeco.javacpp.cachedir=" + cache);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass.getName());
        command.addAll(arguments);
        Path stderr = Files.createTempFile(stderrFolder, "child-", ".stderr");
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(stderr.toFile());
        builder.environment().putAll(environment);
        return new ChildJvm(builder.start(), stderr, waitLimit);
    }

    public Process process() {
        return process;
    }

    /** The stdout lines taken so far by {@link #await}. */
    public List<String> seen() {
        return List.copyOf(seen);
    }

    /** Waits for a stdout line starting with {@code prefix} and returns it. */
    public String await(String prefix) throws InterruptedException {
        return await(line -> line.startsWith(prefix), "a line starting with '" + prefix + "'");
    }

    /** Waits for a stdout line that {@code wanted} accepts and returns it; {@code description} names it in a failure. */
    public String await(Predicate<String> wanted, String description) throws InterruptedException {
        long deadline = System.nanoTime() + waitLimit.toNanos();
        while (System.nanoTime() < deadline) {
            String line = lines.poll(100, TimeUnit.MILLISECONDS);
            if (line == null) {
                continue;
            }
            seen.add(line);
            if (wanted.test(line)) {
                return line;
            }
            if (line.equals(END_OF_OUTPUT)) {
                break;
            }
        }
        process.destroyForcibly();
        throw new AssertionError("the child never printed " + description + "; stdout: " + seen + "; stderr:\n" + stderrTail());
    }

    /** SIGKILL on Linux (no shutdown hooks, no finally blocks, nothing flushed), then waits for the child to end. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(waitLimit.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("the killed child did not end within " + waitLimit);
        }
    }

    /** Waits for the child to exit and returns its exit code; kills it and fails when it does not exit in time. */
    public int awaitExit() throws InterruptedException {
        if (!process.waitFor(waitLimit.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the child did not exit; stdout: " + seen + lines + "; stderr:\n" + stderrTail());
        }
        return process.exitValue();
    }

    /** Every stdout line so far: those {@link #await} took and those still queued (taken now). */
    public List<String> drainPrinted() {
        List<String> printed = new ArrayList<>(seen);
        lines.drainTo(printed);
        printed.remove(END_OF_OUTPUT);
        seen.clear();
        seen.addAll(printed);
        return List.copyOf(printed);
    }

    /** The child's whole stderr so far. */
    public String stderr() {
        try {
            return Files.exists(stderr) ? Files.readString(stderr) : "";
        }
        catch (IOException e) {
            return "(cannot read " + stderr + ": " + e.getMessage() + ")";
        }
    }

    /** The last 40 lines of the child's stderr, for failure messages. */
    private String stderrTail() {
        List<String> all = stderr().lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size()));
    }

    /** Kills the child if it still runs. */
    @Override
    public void close() {
        process.destroyForcibly();
    }
}
