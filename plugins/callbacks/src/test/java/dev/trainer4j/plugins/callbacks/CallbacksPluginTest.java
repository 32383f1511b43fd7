package dev.trainer4j.plugins.callbacks;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.Callback;
import dev.trainer4j.plugins.callbacks.report.ReportCallback;
import dev.trainer4j.plugins.callbacks.report.ReportCallbackFactory;
import dev.trainer4j.plugins.callbacks.report.ReportSettings;
import dev.trainer4j.spi.CallbackFactory;
import dev.trainer4j.spi.PluginContext;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CallbacksPluginTest {
    private static final PluginContext CONTEXT = () -> Path.of(".");

    private static Config defaults(String name) {
        return ConfigFactory.defaultReference().getConfig("trainer4j.plugins.callbacks." + name);
    }

    @Test
    void listsFactoriesWithUniqueKebabNames() {
        List<String> names = new CallbacksPlugin().callbackFactories().stream().map(CallbackFactory::name).toList();
        assertThat(names).containsExactly("progress", "jsonl-logger", "csv-logger", "early-stopping", "report");
        assertThat(names).doesNotHaveDuplicates().allMatch(name -> name.matches("[a-z]+(-[a-z]+)*"));
        assertThat(new CallbacksPlugin().callbackFactories()).allMatch(factory -> !factory.description().isBlank());
    }

    @Test
    void everyFactoryCreatesItsCallbackFromTheReferenceDefaults() {
        for (CallbackFactory factory : new CallbacksPlugin().callbackFactories()) {
            Callback callback = factory.create(defaults(factory.name()), CONTEXT);
            Class<? extends Callback> expected = switch (factory.name()) {
                case "progress" -> ProgressCallback.class;
                case "jsonl-logger" -> JsonlLoggerCallback.class;
                case "csv-logger" -> CsvLoggerCallback.class;
                case "early-stopping" -> EarlyStoppingCallback.class;
                case "report" -> ReportCallback.class;
                default -> throw new AssertionError("unexpected factory " + factory.name());
            };
            assertThat(callback).as(factory.name()).isInstanceOf(expected);
        }
    }

    @Test
    void referenceDefaultsAreHfs() {
        assertThat(EarlyStoppingSettings.fromConfig(defaults("early-stopping"))).isEqualTo(new EarlyStoppingSettings(1, 0.0));
        assertThat(ProgressSettings.fromConfig(defaults("progress"))).isEqualTo(new ProgressSettings("stderr", "auto", 100, 30));
        assertThat(MetricsFileSettings.fromConfig("jsonl-logger", defaults("jsonl-logger")).fileName()).isEqualTo("metrics.jsonl");
        assertThat(MetricsFileSettings.fromConfig("csv-logger", defaults("csv-logger")).fileName()).isEqualTo("metrics.csv");
        assertThat(((ReportCallback) new ReportCallbackFactory().create(defaults("report"), CONTEXT)).settings())
                .isEqualTo(new ReportSettings("metrics.jsonl"));
    }

    @Test
    void runBlockOverridesMergeOverTheDefaults() {
        Config block = ConfigFactory.parseString("type = early-stopping, early-stopping-patience = 3")
                .withFallback(defaults("early-stopping"));
        EarlyStoppingCallback callback = (EarlyStoppingCallback) new EarlyStoppingFactory().create(block, CONTEXT);
        assertThat(callback.settings()).isEqualTo(new EarlyStoppingSettings(3, 0.0));
    }

    @Test
    void registersExactlyThePluginAsAService() throws IOException {
        try (InputStream in = CallbacksPlugin.class.getResourceAsStream("/META-INF/services/dev.trainer4j.spi.Plugin")) {
            assertThat(in).isNotNull();
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8).strip()).isEqualTo(CallbacksPlugin.class.getName());
        }
    }
}
