package dev.trainer4j.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code trainer4j} launcher keeps TensorFlow's native start-up notes off stderr unless {@code --verbose}: run
 * against a stand-in {@code java} that prints what TF 2.18 prints at start-up, next to an error and a line of ours.
 */
final class LauncherTest {
    private static final String TENSORFLOW_NOTES = """
            WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
            I0000 00:00:1796619469.428484    3611 mlir_graph_optimization_pass.cc:401] MLIR V1 optimization pass is not enabled
            W0000 00:00:1796619469.430552    3611 op_level_cost_estimator.cc:699] Error in PredictCost() for the op: op: "Softmax"
            """;
    private static final String KEPT = """
            E0000 00:00:1796619469.430552    3611 some_kernel.cc:12] a native error stays visible
            trainer4j train: args.learning-rate: -1.0 is not allowed; expected a number >= 0
            """;

    @TempDir
    Path directory;

    private record Run(int exitCode, String out, String err) {
    }

    private Run launch(Map<String, String> environment, String... arguments) throws IOException, InterruptedException {
        Path root = Files.createDirectories(directory.resolve("root"));
        Path launcher = root.resolve("trainer4j");
        Files.copy(Path.of("").toAbsolutePath().getParent().resolve("trainer4j"), launcher,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        launcher.toFile().setExecutable(true);
        // a built distribution, so the launcher does not build
        Files.createDirectories(root.resolve("cli/target/lib"));
        Files.writeString(root.resolve("cli/target/trainer4j.jar"), "");
        Path bin = Files.createDirectories(directory.resolve("bin"));
        Path java = bin.resolve("java");
        Files.writeString(java, "#!/usr/bin/env bash\necho \"level=${TF_CPP_MIN_LOG_LEVEL:-unset}\"\ncat >&2 <<'EOF'\n"
                + TENSORFLOW_NOTES + KEPT + "EOF\nexit 3\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));

        List<String> command = new ArrayList<>(List.of("bash", launcher.toString()));
        command.addAll(List.of(arguments));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove("TF_CPP_MIN_LOG_LEVEL");
        builder.environment().put("PATH", bin + ":" + System.getenv("PATH"));
        builder.environment().putAll(environment);
        Process process = builder.start();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    @Test
    @Timeout(60)
    void tensorFlowStartUpNotesAreDroppedAndEverythingElseKept() throws IOException, InterruptedException {
        Run run = launch(Map.of(), "config");

        assertThat(run.exitCode()).as("the command's own exit code").isEqualTo(3);
        assertThat(run.out()).isEqualTo("level=2\n");
        assertThat(run.err()).isEqualTo(KEPT);
    }

    @Test
    @Timeout(60)
    void verboseOrAnExplicitLevelShowsThem() throws IOException, InterruptedException {
        Run verbose = launch(Map.of(), "train", "--verbose");
        assertThat(verbose.out()).isEqualTo("level=unset\n");
        assertThat(verbose.err()).isEqualTo(TENSORFLOW_NOTES + KEPT);

        Run explicit = launch(Map.of("TF_CPP_MIN_LOG_LEVEL", "0"), "train");
        assertThat(explicit.out()).isEqualTo("level=0\n");
        assertThat(explicit.err()).isEqualTo(TENSORFLOW_NOTES + KEPT);
    }
}
