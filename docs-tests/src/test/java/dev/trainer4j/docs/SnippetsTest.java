package dev.trainer4j.docs;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.config.RunConfig;
import dev.trainer4j.runtime.Trainer4j;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Every code example under docs/ works: each ```java block compiles against the test class path (every trainer4j
 * module, TensorFlow Java, Typesafe Config), and each ```hocon block parses and, when it is a run file or a part of
 * one, passes the real run-file parser, which refuses unknown keys and plugins. A document's run-file snippets may
 * name the plugins its Java snippets declare (see {@link CompiledDocument}); writing-a-plugin.md's example plugin is
 * then trained as that page shows it.
 */
class SnippetsTest {
    private static final Set<String> RUN_KEYS =
            Set.of("model", "tokenizer", "data", "collator", "metrics", "callbacks", "args", "backend", "init-from", "search", "cluster");
    /** Merged under a run-file part so that the parser sees a whole run; a snippet's own keys win. */
    private static final String MINIMAL_RUN = "model { type = mlp-classifier, input-size = 4 }";

    @TempDir
    static Path work;

    private static final Map<Path, CompiledDocument> DOCUMENTS = new LinkedHashMap<>();

    @BeforeAll
    static void compileEveryDocument() {
        for (Path markdown : Repository.markdownFiles()) {
            DOCUMENTS.put(markdown, CompiledDocument.compile(markdown, work));
        }
    }

    @Test
    void everyJavaSnippetCompiles() {
        List<String> failures = new ArrayList<>();
        int snippets = 0;
        for (CompiledDocument document : DOCUMENTS.values()) {
            failures.addAll(document.failures());
            snippets += document.javaSnippets();
        }
        assertThat(failures).as("Java snippets under docs/ that do not compile").isEmpty();
        assertThat(snippets).as("Java snippets found under docs/").isGreaterThanOrEqualTo(20);
    }

    @Test
    void everyHoconSnippetParsesAndRunFilesValidate() {
        int checked = 0;
        List<String> failures = new ArrayList<>();
        for (CompiledDocument document : DOCUMENTS.values()) {
            Trainer4j runtime = null;
            for (Snippet snippet : Snippet.of(document.markdown(), Repository.read(document.markdown()))) {
                if (!snippet.language().equals("hocon")) {
                    continue;
                }
                checked++;
                Config config;
                try {
                    config = ConfigFactory.parseString(snippet.text());
                }
                catch (ConfigException e) {
                    failures.add(snippet.where() + ": does not parse: " + e.getMessage());
                    continue;
                }
                Set<String> roots = config.root().keySet();
                if (roots.isEmpty() || !RUN_KEYS.containsAll(roots)) {
                    continue;  // reference defaults or an application's config: parsing is the check
                }
                runtime = runtime != null ? runtime : document.runtime();
                Config run = roots.contains("model") ? config : config.withFallback(ConfigFactory.parseString(MINIMAL_RUN));
                try {
                    runtime.parse(run, document.markdown().getParent());
                }
                catch (ConfigurationException e) {
                    // an example path (init-from.path, checked when parsed) need not exist; anything else must pass
                    if (!(e.key().endsWith(".path") && e.getMessage().contains("does not exist"))) {
                        failures.add(snippet.where() + ": not a valid run file: " + e.getMessage());
                    }
                }
            }
        }
        assertThat(failures).as("HOCON snippets under docs/ that fail").isEmpty();
        assertThat(checked).as("HOCON snippets found under docs/").isGreaterThanOrEqualTo(6);
    }

    /** The page's example plugin, packaged as it says, trains the page's run and reports its metric. */
    @Test
    void writingAPluginExampleTrainsAsDocumented(@TempDir Path output) {
        CompiledDocument document = DOCUMENTS.get(Repository.docs().resolve("writing-a-plugin.md"));
        assertThat(document.failures()).isEmpty();
        Trainer4j runtime = document.runtime();
        assertThat(runtime.registry().names(dev.trainer4j.config.PluginKind.METRICS)).contains("positive-rate");
        Config run = Snippet.of(document.markdown(), Repository.read(document.markdown())).stream()
                .filter(snippet -> snippet.language().equals("hocon"))
                .map(snippet -> ConfigFactory.parseString(snippet.text()))
                .filter(config -> config.hasPath("model"))
                .findFirst().orElseThrow()
                .withValue("args.output-dir", ConfigValueFactory.fromAnyRef(output.toString()))
                .withValue("callbacks", ConfigValueFactory.fromIterable(List.of()));
        RunConfig parsed = runtime.parse(run, output);
        try (Trainer trainer = runtime.trainer(parsed)) {
            trainer.train();
            Map<String, Double> metrics = trainer.evaluate();
            // label = (sum of 4 Gaussian features > 0) is linearly separable: the linear classifier learns it
            assertThat(metrics.get("eval_accuracy")).isGreaterThan(0.85);
            // about half the labels are 1, so about half the examples have a positive last logit
            assertThat(metrics.get("eval_positive_rate")).isBetween(0.3, 0.7);
        }
    }

    /** What the page's test example states: a misspelled setting names its full path. */
    @Test
    void writingAPluginMisspelledSettingNamesItsPath() {
        CompiledDocument document = DOCUMENTS.get(Repository.docs().resolve("writing-a-plugin.md"));
        Config run = ConfigFactory.parseString(MINIMAL_RUN + "\nmetrics = [{ type = positive-rate, treshold = 0.5 }]");
        assertThatThrownBy(() -> document.runtime().parse(run, work))
                .isInstanceOfSatisfying(ConfigurationException.class,
                        e -> assertThat(e.key()).isEqualTo("metrics[0].treshold"))
                .hasMessageContaining("unknown setting").hasMessageContaining("threshold");
    }
}
