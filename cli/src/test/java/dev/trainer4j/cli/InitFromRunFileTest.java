package dev.trainer4j.cli;

import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.Trainer;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.config.RunConfig;
import dev.trainer4j.loop.Checkpoints;
import dev.trainer4j.plugins.data.JsonlDatasetFactory;
import dev.trainer4j.runtime.Trainer4j;
import com.typesafe.config.ConfigFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A run file's {@code init-from} block: a second run starts from the first run's checkpoint, so before training it
 * predicts exactly what the first run's final model predicts; bad blocks are refused before anything runs.
 */
final class InitFromRunFileTest {
    @TempDir
    static Path directory;
    private static Path checkpoint;

    @BeforeAll
    static void trainTheSourceRun() throws IOException {
        Random random = new Random(11);
        StringBuilder rows = new StringBuilder();
        for (int i = 0; i < 48; i++) {
            int label = random.nextInt(2);
            rows.append(String.format(Locale.ROOT, "{\"features\": [%.4f, %.4f, %.4f], \"label\": %d}%n",
                    label + random.nextGaussian() * 0.3, random.nextGaussian(), -label + random.nextGaussian() * 0.3, label));
        }
        Files.writeString(directory.resolve("data.jsonl"), rows.toString());
        Path source = write("source.conf", "out-source", "");
        StringWriter err = new StringWriter();
        int code = Trainer4jCli.run(CliContext.fromEnvironment(), new PrintWriter(new StringWriter()), new PrintWriter(err),
                "train", source.toString());
        assertThat(code).as(err.toString()).isZero();
        checkpoint = Checkpoints.list(directory.resolve("out-source")).get(0);
    }

    /** A run file in the test folder; output folders are absolute (relative ones resolve against the working directory). */
    private static Path write(String name, String outputDir, String extra) throws IOException {
        Path file = directory.resolve(name);
        Files.writeString(file, """
                model { type = mlp-classifier, input-size = 3, hidden-sizes = [6], num-labels = 2, dropout = 0.0 }
                data { train { type = jsonl, path = data.jsonl } }
                callbacks = []
                args { output-dir = "%s", max-steps = 6, per-device-train-batch-size = 8, learning-rate = 0.05,
                       save-strategy = steps, save-steps = 6, disable-progress = true, seed = %d }
                %s
                """.formatted(directory.resolve(outputDir).toString().replace("\\", "/"), extra.isEmpty() ? 1 : 2, extra));
        return file;
    }

    @Test
    void aRunStartsFromTheWeightsItNames() throws IOException {
        Path target = write("target.conf", "out-target",
                "init-from { path = \"" + directory.relativize(checkpoint) + "\" }");
        Path plain = write("plain.conf", "out-plain", "");
        Trainer4j runtime = Trainer4j.create();
        var data = new JsonlDatasetFactory().create(
                ConfigFactory.parseMap(java.util.Map.of("path", directory.resolve("data.jsonl").toString()))
                        .withFallback(ConfigFactory.defaultReference().getConfig("trainer4j.plugins.datasets.jsonl")),
                () -> directory);

        HostTensor fromSource;
        try (Trainer trainer = runtime.trainer(runtime.load(plain, ConfigFactory.empty()))) {
            trainer.loadModel(checkpoint);
            fromSource = trainer.predict(data).predictions().get("logits");
        }
        try (Trainer trainer = runtime.trainer(runtime.load(target, ConfigFactory.empty()))) {
            HostTensor initialised = trainer.predict(data).predictions().get("logits");
            assertThat(initialised.floats()).containsExactly(fromSource.floats());
        }
        try (Trainer trainer = runtime.trainer(runtime.load(plain, ConfigFactory.empty()))) {
            HostTensor fresh = trainer.predict(data).predictions().get("logits");
            assertThat(fresh.floats()).isNotEqualTo(fromSource.floats());
        }
    }

    @Test
    void anotherModelsCheckpointStopsTheRunUnlessAskedToStartFromItAnyway() throws IOException {
        Trainer4j runtime = Trainer4j.create();
        String wider = "init-from { path = \"" + directory.relativize(checkpoint) + "\"%s }";
        Path refused = write("wider.conf", "out-wider", wider.formatted(""));
        Files.writeString(refused, Files.readString(refused).replace("hidden-sizes = [6]", "hidden-sizes = [8]"));

        // of the 4 variables only the classifier's bias fits: 1 of 4 loaded, below the default min-loaded 0.5
        assertThatThrownBy(() -> runtime.trainer(runtime.load(refused, ConfigFactory.empty())))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("init-from: only 1 of the model's 4 variables (25%) loaded")
                .hasMessageContaining("fewer than init-from.min-loaded = 0.5")
                .hasMessageContaining("mlp/dense_0/kernel: model float32[3, 8], source float32[3, 6]");

        Path anyway = write("anyway.conf", "out-anyway", wider.formatted(", min-loaded = 0, strict = false"));
        Files.writeString(anyway, Files.readString(anyway).replace("hidden-sizes = [6]", "hidden-sizes = [8]"));
        try (Trainer trainer = runtime.trainer(runtime.load(anyway, ConfigFactory.empty()))) {
            assertThat(trainer.train().globalStep()).isEqualTo(6);
        }

        Path bad = write("bad-fraction.conf", "out-x", wider.formatted(", min-loaded = 1.5"));
        assertThatThrownBy(() -> runtime.load(bad, ConfigFactory.empty()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("init-from.min-loaded: 1.5 is not allowed; expected a fraction from 0 to 1");
    }

    @Test
    void badBlocksAreRefusedWithTheirKeyPath() throws IOException {
        Trainer4j runtime = Trainer4j.create();
        Path unknownKey = write("unknown.conf", "out-x", "init-from { path = out-source, strit = true }");
        assertThatThrownBy(() -> runtime.load(unknownKey, ConfigFactory.empty()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("init-from.strit").hasMessageContaining("did you mean 'strict'");
        Path missing = write("missing.conf", "out-x", "init-from { path = no-such-run/checkpoint-9 }");
        assertThatThrownBy(() -> runtime.load(missing, ConfigFactory.empty()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("init-from.path").hasMessageContaining("no-such-run/checkpoint-9 does not exist");
        Path badRename = write("rename.conf", "out-x", "init-from { path = out-source, rename = [{ from = a }] }");
        assertThatThrownBy(() -> runtime.load(badRename, ConfigFactory.empty()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("init-from.rename[0]").hasMessageContaining("expected exactly { from = ");
        RunConfig renamed = runtime.load(write("ok.conf", "out-x",
                "init-from { path = out-source, rename = [{ from = \"old/\", to = \"mlp/\" }], skip = [\"re:.*bias\"] }"),
                ConfigFactory.empty());
        assertThat(renamed.initFrom()).hasValueSatisfying(init -> {
            assertThat(init.mapping().rewrites()).hasSize(1);
            assertThat(init.mapping().skips()).hasSize(1);
        });
    }
}
