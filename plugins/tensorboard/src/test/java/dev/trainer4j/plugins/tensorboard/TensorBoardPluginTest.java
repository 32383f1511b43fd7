package dev.trainer4j.plugins.tensorboard;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.spi.CallbackFactory;
import dev.trainer4j.spi.PluginContext;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TensorBoardPluginTest {
    private static final PluginContext CONTEXT = () -> Path.of(".");

    private static Config defaults() {
        return ConfigFactory.defaultReference().getConfig("trainer4j.plugins.callbacks.tensorboard");
    }

    @Test
    void contributesTheTensorboardFactory() {
        List<CallbackFactory> factories = new TensorBoardPlugin().callbackFactories();
        assertThat(factories).extracting(CallbackFactory::name).containsExactly("tensorboard");
        assertThat(factories.get(0).description()).isNotBlank();
        assertThat(factories.get(0).create(defaults(), CONTEXT)).isInstanceOf(TensorBoardCallback.class);
    }

    @Test
    void referenceDefaultsWriteToOutputDirRuns() {
        TensorBoardSettings settings = TensorBoardSettings.fromConfig(defaults());
        assertThat(settings).isEqualTo(new TensorBoardSettings(Optional.empty(), 10_000, 10));
        assertThat(settings.resolve("out/run")).isEqualTo(Path.of("out/run/runs"));
    }

    @Test
    void runBlockOverridesMergeOverTheDefaults() {
        Config block = ConfigFactory.parseString("type = tensorboard, log-dir = tb, flush-millis = 500, histograms = true").withFallback(defaults());
        TensorBoardCallback callback = (TensorBoardCallback) new TensorBoardCallbackFactory().create(block, CONTEXT);
        assertThat(callback.settings()).isEqualTo(new TensorBoardSettings(Optional.of("tb"), 500, 10, true));
        assertThat(callback.settings().resolve("out")).isEqualTo(Path.of("out/tb"));
    }

    @Test
    void badSettingsNameTheKeyTheValueAndWhatIsExpected() {
        assertThatThrownBy(() -> TensorBoardSettings.fromConfig(ConfigFactory.parseString("flush-millis = 0").withFallback(defaults())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("tensorboard.flush-millis: 0 is not allowed; expected an integer > 0 and <= 2147483647");
        assertThatThrownBy(() -> TensorBoardSettings.fromConfig(ConfigFactory.parseString("max-queue = \"ten\"").withFallback(defaults())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("tensorboard.max-queue: 'ten' is not allowed; expected an integer > 0");
        assertThatThrownBy(() -> TensorBoardSettings.fromConfig(ConfigFactory.parseString("logdir = x").withFallback(defaults())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("callback tensorboard has no setting 'logdir'");
        assertThatThrownBy(() -> TensorBoardSettings.fromConfig(ConfigFactory.parseString("log-dir = \" \"").withFallback(defaults())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("tensorboard.log-dir: ' ' is not allowed; expected null or a non-empty path");
        assertThatThrownBy(() -> TensorBoardSettings.fromConfig(ConfigFactory.parseString("histograms = 3").withFallback(defaults())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("tensorboard.histograms: 3 is not allowed; expected true or false");
    }

    @Test
    void registersExactlyThePluginAsAService() throws IOException {
        try (InputStream in = TensorBoardPlugin.class.getResourceAsStream("/META-INF/services/dev.trainer4j.spi.Plugin")) {
            assertThat(in).isNotNull();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip()).isEqualTo(TensorBoardPlugin.class.getName());
        }
    }
}
