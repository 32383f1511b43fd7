package dev.trainer4j.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.trainer4j.api.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The path of an {@code init-from} block: files resolve against the run file's folder, {@code classpath:} names do not. */
class WeightInitSettingsTest {
    private static final Config DEFAULTS = ConfigFactory.load().getConfig("trainer4j.run.init-from");

    @Test
    void classpathPathsAreKeptAsWrittenAndFilesResolveAgainstTheRunFolder(@TempDir Path folder) throws Exception {
        WeightInitSettings classpath = WeightInitSettings.parse(
                ConfigValueFactory.fromMap(Map.of("path", "classpath:all-minilm-l6-v2")), DEFAULTS, folder);
        assertThat(classpath.path().toString()).isEqualTo("classpath:all-minilm-l6-v2");

        Files.write(folder.resolve("model.safetensors"), new byte[8]);
        WeightInitSettings file = WeightInitSettings.parse(
                ConfigValueFactory.fromMap(Map.of("path", "model.safetensors")), DEFAULTS, folder);
        assertThat(file.path()).isEqualTo(folder.resolve("model.safetensors"));

        assertThatThrownBy(() -> WeightInitSettings.parse(
                ConfigValueFactory.fromMap(Map.of("path", "missing.onnx")), DEFAULTS, folder))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("init-from.path").hasMessageContaining("missing.onnx does not exist")
                .hasMessageContaining("classpath:<name>");
    }
}
