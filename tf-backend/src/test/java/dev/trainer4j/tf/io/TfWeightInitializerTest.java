package dev.trainer4j.tf.io;

import dev.trainer4j.api.WeightMapping;
import dev.trainer4j.api.WeightMapping.Report;
import dev.trainer4j.spi.CheckpointScope;
import dev.trainer4j.tf.TfTrainingEngine;
import dev.trainer4j.tf.TfVariable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.trainer4j.tf.io.IoFixtures.classificationBatch;
import static dev.trainer4j.tf.io.IoFixtures.engine;
import static dev.trainer4j.tf.io.IoFixtures.mlp;
import static dev.trainer4j.tf.io.IoFixtures.train;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TfWeightInitializerTest {
    private static final List<String> MLP_NAMES = List.of("mlp/classifier/bias", "mlp/classifier/kernel",
            "mlp/dense_0/bias", "mlp/dense_0/kernel");

    /** Trains model A ([5] hidden, 3 labels, seed 1) for two steps and saves its FULL state as checkpoint-2/engine. */
    private static Map<String, float[]> trainedSource(Path checkpoint, List<Integer> hidden, int labels) {
        try (TfTrainingEngine source = engine(mlp(hidden, labels, 0.1), 1)) {
            train(source, classificationBatch(8, labels, 3), 2);
            Path engineDir = checkpoint.resolve("engine");
            Files.createDirectories(engineDir);
            source.save(engineDir, CheckpointScope.FULL);
            return modelWeights(source);
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Map<String, float[]> modelWeights(TfTrainingEngine engine) {
        Map<String, float[]> all = engine.readVariables();
        Map<String, float[]> weights = new LinkedHashMap<>();
        for (TfVariable variable : engine.variables()) {
            weights.put(variable.name(), all.get(variable.name()));
        }
        return weights;
    }

    @Test
    void sameArchitectureWithAnotherSeedGetsEveryWeight(@TempDir Path temp) {
        Path checkpoint = temp.resolve("checkpoint-2");
        Map<String, float[]> source = trainedSource(checkpoint, List.of(5), 3);
        try (TfTrainingEngine target = engine(mlp(List.of(5), 3, 0.1), 2)) {
            assertThat(modelWeights(target).get("mlp/dense_0/kernel")).isNotEqualTo(source.get("mlp/dense_0/kernel"));

            Report report = target.initializeFrom(checkpoint, WeightMapping.IDENTITY);

            assertThat(report.loaded()).containsExactlyElementsOf(MLP_NAMES);
            assertThat(report.missing()).isEmpty();
            assertThat(report.unexpected()).as("optimizer and engine state keys are not model weights").isEmpty();
            assertThat(report.mismatched()).isEmpty();
            assertThat(report.skipped()).isEmpty();
            Map<String, float[]> loaded = modelWeights(target);
            for (String name : MLP_NAMES) {
                assertThat(loaded.get(name)).as(name).containsExactly(source.get(name));
            }
            assertThat(target.optimizerStep()).as("the optimizer state is not taken").isZero();
        }
    }

    @Test
    void prefixRewriteMapsDifferentlyPrefixedNames(@TempDir Path temp) {
        Path checkpoint = temp.resolve("checkpoint-2");
        Map<String, float[]> source = trainedSource(checkpoint, List.of(5), 3);
        try (TfTrainingEngine target = engine(new PrefixedModel("pretrained", mlp(List.of(5), 3, 0)), 2)) {
            Report unmapped = target.initializeFrom(checkpoint.resolve("engine"), WeightMapping.IDENTITY);
            assertThat(unmapped.loaded()).isEmpty();
            assertThat(unmapped.missing()).containsExactlyElementsOf(MLP_NAMES.stream().map(name -> "pretrained/" + name).toList());
            assertThat(unmapped.unexpected()).containsExactlyElementsOf(MLP_NAMES);

            Report report = target.initializeFrom(checkpoint, WeightMapping.IDENTITY.rewritePrefix("mlp/", "pretrained/mlp/"));

            assertThat(report.loaded()).containsExactlyElementsOf(MLP_NAMES.stream().map(name -> "pretrained/" + name).toList());
            assertThat(report.missing()).isEmpty();
            assertThat(report.unexpected()).isEmpty();
            Map<String, float[]> loaded = modelWeights(target);
            for (String name : MLP_NAMES) {
                assertThat(loaded.get("pretrained/" + name)).as(name).containsExactly(source.get(name));
            }
        }
    }

    @Test
    void skippedVariablesKeepTheirInitialValues(@TempDir Path temp) {
        Path checkpoint = temp.resolve("checkpoint-2");
        Map<String, float[]> source = trainedSource(checkpoint, List.of(5), 3);
        try (TfTrainingEngine globTarget = engine(mlp(List.of(5), 3, 0.1), 2);
             TfTrainingEngine regexTarget = engine(mlp(List.of(5), 3, 0.1), 2)) {
            Map<String, float[]> initial = modelWeights(globTarget);

            Report glob = globTarget.initializeFrom(checkpoint, WeightMapping.IDENTITY.skipGlob("mlp/classifier/*"));
            assertThat(glob.skipped()).containsExactly("mlp/classifier/bias", "mlp/classifier/kernel");
            assertThat(glob.loaded()).containsExactly("mlp/dense_0/bias", "mlp/dense_0/kernel");
            assertThat(glob.unexpected()).as("skipped source keys are not unexpected").isEmpty();
            Map<String, float[]> afterGlob = modelWeights(globTarget);
            assertThat(afterGlob.get("mlp/classifier/kernel")).containsExactly(initial.get("mlp/classifier/kernel"));
            assertThat(afterGlob.get("mlp/classifier/bias")).containsExactly(initial.get("mlp/classifier/bias"));
            assertThat(afterGlob.get("mlp/dense_0/kernel")).containsExactly(source.get("mlp/dense_0/kernel"));

            Report regex = regexTarget.initializeFrom(checkpoint, WeightMapping.IDENTITY.skipRegex(".*/bias"));
            assertThat(regex.skipped()).containsExactly("mlp/classifier/bias", "mlp/dense_0/bias");
            Map<String, float[]> afterRegex = modelWeights(regexTarget);
            assertThat(afterRegex.get("mlp/dense_0/bias")).containsExactly(initial.get("mlp/dense_0/bias"));
            assertThat(afterRegex.get("mlp/classifier/kernel")).containsExactly(source.get("mlp/classifier/kernel"));
        }
    }

    @Test
    void reportListsMissingMismatchedAndUnexpectedNames(@TempDir Path temp) {
        Path checkpoint = temp.resolve("checkpoint-2");
        // source: dense_0 [4,5], dense_1 [5,4], classifier [4,3]
        Map<String, float[]> source = trainedSource(checkpoint, List.of(5, 4), 3);

        // a deeper, two-label target: dense_2 is missing, the classifier has other shapes
        try (TfTrainingEngine deeper = engine(mlp(List.of(5, 4, 6), 2, 0), 2)) {
            Map<String, float[]> initial = modelWeights(deeper);
            Report report = deeper.initializeFrom(checkpoint, WeightMapping.IDENTITY);
            assertThat(report.loaded()).containsExactly("mlp/dense_0/bias", "mlp/dense_0/kernel", "mlp/dense_1/bias",
                    "mlp/dense_1/kernel");
            assertThat(report.missing()).containsExactly("mlp/dense_2/bias", "mlp/dense_2/kernel");
            assertThat(report.mismatchedNames()).containsExactly("mlp/classifier/bias", "mlp/classifier/kernel");
            WeightMapping.ShapeMismatch kernel = report.mismatch("mlp/classifier/kernel").orElseThrow();
            assertThat(kernel.sourceKey()).isEqualTo("mlp/classifier/kernel");
            assertThat(kernel.modelShape()).isEqualTo("float32[6, 2]");
            assertThat(kernel.sourceShape()).isEqualTo("float32[4, 3]");
            assertThat(report.unexpected()).isEmpty();
            Map<String, float[]> after = modelWeights(deeper);
            assertThat(after.get("mlp/classifier/kernel")).containsExactly(initial.get("mlp/classifier/kernel"));
            assertThat(after.get("mlp/dense_2/kernel")).containsExactly(initial.get("mlp/dense_2/kernel"));
            assertThat(after.get("mlp/dense_1/kernel")).containsExactly(source.get("mlp/dense_1/kernel"));
        }

        // a shallower target: dense_1 of the source is unexpected, the classifier kernel [5,3] does not fit [4,3]
        try (TfTrainingEngine shallower = engine(mlp(List.of(5), 3, 0), 2)) {
            Report report = shallower.initializeFrom(checkpoint, WeightMapping.IDENTITY);
            assertThat(report.loaded()).containsExactly("mlp/classifier/bias", "mlp/dense_0/bias", "mlp/dense_0/kernel");
            assertThat(report.missing()).isEmpty();
            assertThat(report.unexpected()).containsExactly("mlp/dense_1/bias", "mlp/dense_1/kernel");
            assertThat(report.mismatched()).singleElement().satisfies(mismatch -> {
                assertThat(mismatch.name()).isEqualTo("mlp/classifier/kernel");
                assertThat(mismatch.modelShape()).isEqualTo("float32[5, 3]");
                assertThat(mismatch.sourceShape()).isEqualTo("float32[4, 3]");
            });
        }
    }

    @Test
    void strictModeFailsOnMissingNamesAndAssignsNothing(@TempDir Path temp) {
        Path checkpoint = temp.resolve("checkpoint-2");
        trainedSource(checkpoint, List.of(5, 4), 3);
        try (TfTrainingEngine deeper = engine(mlp(List.of(5, 4, 6), 3, 0), 2)) {
            Map<String, float[]> initial = modelWeights(deeper);
            assertThatThrownBy(() -> deeper.initializeFrom(checkpoint, WeightMapping.IDENTITY.strict(true)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("strict")
                    .hasMessageContaining("mlp/dense_2/kernel")
                    .hasMessageContaining("mlp/classifier/kernel");
            assertThat(modelWeights(deeper).get("mlp/dense_0/kernel")).containsExactly(initial.get("mlp/dense_0/kernel"));

            // skipping what is missing or mismatched satisfies strict mode
            Report report = deeper.initializeFrom(checkpoint, WeightMapping.IDENTITY.strict(true)
                    .skipGlob("mlp/dense_2/**").skipGlob("mlp/classifier/*"));
            assertThat(report.loaded()).hasSize(4);
        }
    }

    @Test
    void missingSourceGivesAClearError(@TempDir Path temp) throws Exception {
        Path empty = Files.createDirectories(temp.resolve("empty"));
        try (TfTrainingEngine target = engine(mlp(List.of(5), 3, 0), 2)) {
            Path nowhere = temp.resolve("no-such-checkpoint");
            assertThatThrownBy(() -> target.initializeFrom(nowhere, WeightMapping.IDENTITY))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining(nowhere.toString())
                    .hasMessageContaining("no-such-checkpoint.index does not exist");
            assertThatThrownBy(() -> target.initializeFrom(empty, WeightMapping.IDENTITY))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("no weights in folder " + empty);
        }
    }

    @Test
    void exportedModelAndPlainPrefixAreSourcesToo(@TempDir Path temp) {
        Path exported = temp.resolve("exported");
        Map<String, float[]> source;
        try (TfTrainingEngine trained = engine(mlp(List.of(5), 3, 0), 1)) {
            train(trained, classificationBatch(8, 3, 3), 2);
            trained.exportModel(exported);
            source = modelWeights(trained);
        }
        for (Path location : List.of(exported, exported.resolve("variables").resolve("variables"))) {
            try (TfTrainingEngine target = engine(mlp(List.of(5), 3, 0), 2)) {
                Report report = target.initializeFrom(location, WeightMapping.IDENTITY);
                assertThat(report.loaded()).as(location.toString()).containsExactlyElementsOf(MLP_NAMES);
                assertThat(modelWeights(target).get("mlp/dense_0/kernel")).containsExactly(source.get("mlp/dense_0/kernel"));
            }
        }
    }

    @Test
    void twoSourceKeysOnOneVariableAreRejected(@TempDir Path temp) {
        Path checkpoint = temp.resolve("checkpoint-2");
        trainedSource(checkpoint, List.of(5), 3);
        try (TfTrainingEngine target = engine(mlp(List.of(5), 3, 0), 2)) {
            // dense_0/bias keeps its name and classifier/bias is renamed onto it
            WeightMapping clash = WeightMapping.IDENTITY.rewritePrefix("mlp/classifier/", "mlp/dense_0/");
            assertThatThrownBy(() -> target.initializeFrom(checkpoint, clash))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("'mlp/classifier/bias'")
                    .hasMessageContaining("'mlp/dense_0/bias'");
        }
    }
}
