package dev.trainer4j.config;

import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.runtime.RuntimeTestFixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A run file includes files and class-path resources, never URLs; a missing required include is named. */
final class RunFileIncludesTest {
    private final RunConfigParser parser = new RunConfigParser(RuntimeTestFixtures.reference(), RuntimeTestFixtures.registry());

    @TempDir
    Path directory;

    private Path write(String name, String content) throws IOException {
        Path file = directory.resolve(name);
        Files.writeString(file, content);
        return file;
    }

    @Test
    void aFileIncludeIsRead() throws IOException {
        write("args.conf", "args { learning-rate = 0.25 }\n");
        Path run = write("run.conf", "model = test-model\ninclude \"args.conf\"\n");

        assertThat(parser.load(run, ConfigFactory.empty()).args().learningRate()).isEqualTo(0.25);
    }

    @Test
    @Timeout(30)
    void aUrlIncludeIsRefusedWithItsLineAndNoRequestIsMade() throws IOException {
        // a listening loopback socket: the old parser connected to it (and waited for an answer); nothing may connect
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(1);
            String url = "http://127.0.0.1:" + server.getLocalPort() + "/args.conf";
            Path run = write("run.conf", "model = test-model\n\ninclude url(\"" + url + "\")\n");

            assertThatThrownBy(() -> parser.load(run, ConfigFactory.empty()))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith(run + " line 3: include of URL '" + url + "' refused")
                    .hasMessageContaining("never URLs");
            assertThatThrownBy(server::accept).as("a connection to the URL").isInstanceOf(java.net.SocketTimeoutException.class);
        }
    }

    @Test
    void aBareUrlIncludeIsRefusedToo() throws IOException {
        Path run = write("run.conf", "model = test-model\ninclude \"https://example.invalid/args.conf\"\n");

        assertThatThrownBy(() -> parser.load(run, ConfigFactory.empty()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(run + " line 2: include of URL 'https://example.invalid/args.conf' refused");
    }

    @Test
    void aUrlIncludeInsideAnIncludedFileIsRefused() throws IOException {
        write("shared.conf", "include url(\"http://example.invalid/x.conf\")\n");
        Path run = write("run.conf", "model = test-model\ninclude \"shared.conf\"\n");

        assertThatThrownBy(() -> parser.load(run, ConfigFactory.empty()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("include of URL 'http://example.invalid/x.conf' refused");
    }

    @Test
    void aMissingRequiredIncludeIsNamedWithoutJavaClassNames() throws IOException {
        Path run = write("run.conf", "model = test-model\ninclude required(\"missing.conf\")\n");

        assertThatThrownBy(() -> parser.load(run, ConfigFactory.empty()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("cannot read run file " + run)
                .hasMessageContaining("'missing.conf', does not exist")
                .hasMessageNotContaining("java.io");
    }
}
