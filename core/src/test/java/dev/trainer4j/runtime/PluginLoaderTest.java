package dev.trainer4j.runtime;

import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.config.PluginKind;
import dev.trainer4j.spi.MetricFactory;
import dev.trainer4j.spi.Plugin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

final class PluginLoaderTest {

    @Test
    void serviceLoaderFindsTheTestPluginAndEveryFactoryByKind() {
        PluginRegistry registry = PluginLoader.load(PluginLoaderTest.class.getClassLoader());

        assertThat(registry.plugins()).hasAtLeastOneElementOfType(RuntimeTestPlugin.class);
        assertThat(registry.names(PluginKind.BACKENDS)).contains("test-backend");
        assertThat(registry.names(PluginKind.MODELS)).contains("test-model");
        assertThat(registry.names(PluginKind.DATASETS)).contains("test-dataset");
        assertThat(registry.names(PluginKind.COLLATORS)).contains("test-padding");
        assertThat(registry.names(PluginKind.TOKENIZERS)).contains("test-tokenizer");
        assertThat(registry.names(PluginKind.METRICS)).contains("test-accuracy", "test-f1");
        assertThat(registry.names(PluginKind.CALLBACKS)).contains("test-early-stopping");
        assertThat(registry.find(PluginKind.METRICS, "test-f1").orElseThrow().plugin()).isInstanceOf(RuntimeTestPlugin.class);
    }

    @Test
    void registryIsTypedAndSortedByName() {
        PluginRegistry registry = RuntimeTestFixtures.registry();

        assertThat(registry.factories(PluginKind.METRICS, MetricFactory.class)).containsOnlyKeys("test-accuracy", "test-f1");
        assertThat(List.copyOf(registry.names(PluginKind.METRICS))).containsExactly("test-accuracy", "test-f1");
        assertThat(PluginKind.values()).extracting(PluginKind::configName).as("a loss is set in code, not by a plugin")
                .containsExactly("backends", "models", "datasets", "collators", "tokenizers", "metrics", "callbacks");
        assertThat(registry.factoriesOf(registry.plugins().get(0))).containsOnlyKeys(PluginKind.BACKENDS, PluginKind.MODELS,
                PluginKind.DATASETS, PluginKind.COLLATORS, PluginKind.TOKENIZERS, PluginKind.METRICS, PluginKind.CALLBACKS);
        assertThatThrownBy(() -> registry.factories(PluginKind.MODELS, MetricFactory.class))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> registry.names(PluginKind.METRICS).add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void unknownFactoryLookupSuggestsTheNearestName() {
        assertThatThrownBy(() -> RuntimeTestFixtures.registry().get(PluginKind.METRICS, "test-f2", MetricFactory.class))
                .hasMessage("unknown metric 'test-f2'; did you mean 'test-f1'?; available metrics: [test-accuracy, test-f1]");
    }

    @Test
    void duplicateNameThroughServiceLoaderNamesBothPluginClassesAndLocations(@TempDir Path directory) throws IOException {
        Path services = directory.resolve("META-INF/services/" + Plugin.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, DuplicateMetricPlugin.class.getName() + "\n");
        String location = RuntimeTestPlugin.class.getProtectionDomain().getCodeSource().getLocation().toString();

        try (URLClassLoader loader = new URLClassLoader(new URL[] {directory.toUri().toURL()}, PluginLoaderTest.class.getClassLoader())) {
            assertThatThrownBy(() -> PluginLoader.load(loader))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("two metrics are named 'test-accuracy': ")
                    .hasMessageContaining("from plugin " + RuntimeTestPlugin.class.getName() + " (" + location + ")")
                    .hasMessageContaining("from plugin " + DuplicateMetricPlugin.class.getName() + " (" + location + ")");
        }
    }

    @Test
    void aPluginWhoseConstructorThrowsIsNamedWithTheCause(@TempDir Path directory) throws IOException {
        Path services = directory.resolve("META-INF/services/" + Plugin.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, ConstructorFailingPlugin.class.getName() + "\n");

        try (URLClassLoader loader = new URLClassLoader(new URL[] {directory.toUri().toURL()}, PluginLoaderTest.class.getClassLoader())) {
            assertThatThrownBy(() -> PluginLoader.load(loader))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining(ConstructorFailingPlugin.class.getName())
                    .hasMessageContaining("caused by IllegalStateException: the plugin's license file is missing");
        }
    }

    /** A plugin whose constructor fails, as one with a missing resource would. */
    public static final class ConstructorFailingPlugin implements Plugin {
        public ConstructorFailingPlugin() {
            throw new IllegalStateException("the plugin's license file is missing");
        }
    }

    @Test
    void duplicateNameFromAListNamesBothPlugins() {
        assertThatThrownBy(() -> PluginLoader.register(List.of(new RuntimeTestPlugin(), new DuplicateMetricPlugin())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining(RuntimeTestPlugin.class.getName())
                .hasMessageContaining(DuplicateMetricPlugin.class.getName());
    }

    @Test
    void sameNameInTwoKindsIsAllowed() {
        PluginRegistry registry = PluginLoader.register(List.of(new RuntimeTestPlugin(), new DuplicateMetricPlugin("test-model")));

        assertThat(registry.names(PluginKind.MODELS)).containsExactly("test-model");
        assertThat(registry.names(PluginKind.METRICS)).contains("test-model");
    }

    @Test
    void nameThatIsNotKebabCaseIsRefused() {
        for (String bad : List.of("Accuracy", "top_k", "-f1", "f1-", "two--dashes", "1st", "")) {
            assertThatThrownBy(() -> PluginLoader.register(List.of(new DuplicateMetricPlugin(bad))))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("is named '" + bad + "'")
                    .hasMessageContaining("expected a kebab-case name");
        }
        assertThat(PluginLoader.register(List.of(new DuplicateMetricPlugin("top-5-accuracy"))).names(PluginKind.METRICS))
                .containsExactly("top-5-accuracy");
    }

    @Test
    void providerThatCannotBeLoadedIsAClearError(@TempDir Path directory) throws IOException {
        Path services = directory.resolve("META-INF/services/" + Plugin.class.getName());
        Files.createDirectories(services.getParent());
        Files.writeString(services, "dev.trainer4j.runtime.NoSuchPlugin\n");

        try (URLClassLoader loader = new URLClassLoader(new URL[] {directory.toUri().toURL()}, PluginLoaderTest.class.getClassLoader())) {
            assertThatThrownBy(() -> PluginLoader.load(loader))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageStartingWith("cannot load a plugin listed in META-INF/services/dev.trainer4j.spi.Plugin")
                    .hasMessageContaining("dev.trainer4j.runtime.NoSuchPlugin");
        }
    }
}
