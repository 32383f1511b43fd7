package dev.trainer4j.tf.io;

import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.tf.TfModel;
import dev.trainer4j.tf.internal.TfStepCost;
import dev.trainer4j.tf.internal.TfThreadSettings;
import dev.trainer4j.tf.models.MlpClassifier;
import dev.trainer4j.tf.models.MlpClassifierSettings;
import dev.trainer4j.tf.models.TransformerClassifier;
import dev.trainer4j.tf.models.TransformerClassifierSettings;
import dev.trainer4j.tf.nn.Activation;
import dev.trainer4j.tf.models.Pooling;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The step cost the engine sizes its threads by, measured from the model's graph, against hand counts of the
 * models' products; and the thread choice it leads to for the benchmark models.
 */
class TfModelProbeTest {
    private static List<InputSpec> features(TfModel model) {
        return model.inputs().stream().filter(spec -> !spec.label()).toList();
    }

    private static MlpClassifier mlp(int input, int hidden, int labels) {
        return new MlpClassifier(new MlpClassifierSettings(input, List.of(hidden, hidden), labels, 0.0, Activation.RELU));
    }

    /** The main job's transformer: vocabulary 4000, hidden 64, 2 layers, 4 heads, FFN 128, 2 labels. */
    private static TransformerClassifier mainJobTransformer() {
        return new TransformerClassifier(new TransformerClassifierSettings(4000, 64, 2, 4, 128, 128, 0.1, 1e-5,
                Pooling.MEAN, 2));
    }

    @Test
    void anMlpCostsItsThreeMatrixProductsPerRow() {
        MlpClassifier model = mlp(784, 1024, 10);
        TfStepCost cost = TfModelProbe.measure(model, features(model), 256, Map.of());
        // dense 784x1024, 1024x1024, 1024x10 with biases
        assertThat(cost.parameterCount()).isEqualTo(784 * 1024 + 1024 + 1024 * 1024 + 1024 + 1024 * 10 + 10);
        // 2 x rows x in x out per product
        assertThat(cost.forwardFlops()).isEqualTo(2.0 * 256 * (784 * 1024 + 1024 * 1024 + 1024 * 10));
        assertThat(cost.basis()).isEqualTo("batch 256, inputs features [256, 784]");
    }

    @Test
    void aTransformerCostsItsTokensAndItsAttentionAtTheTrainingBatchsLength() {
        TransformerClassifier model = mainJobTransformer();
        TfStepCost cost = TfModelProbe.measure(model, features(model), 32,
                Map.of(TransformerClassifier.INPUT_IDS, List.of(32L, 64L), TransformerClassifier.ATTENTION_MASK,
                        List.of(32L, 64L), "labels", List.of(32L)));
        double tokens = 32 * 64;
        double perLayer = 4 * 2 * tokens * 64 * 64       // query, key, value and output projections
                + 2 * 2 * tokens * 64 * 128                // the feed-forward's two products
                + 2 * 2 * 32 * 4 * 64 * 64 * 16.0;         // scores and context: batch x heads x length^2 x head size
        double head = 2.0 * 32 * 64 * 2;                 // the classifier on the pooled rows
        assertThat(cost.forwardFlops()).isEqualTo(2 * perLayer + head);
        // the estimate, 6 x non-embedding parameters x tokens + 12 x layers x hidden x length^2 x batch, is
        // 1.03e9 (it also counts biases and LayerNorm); the products alone are 1.007e9
        assertThat(cost.trainingFlops()).isCloseTo(1.03e9, org.assertj.core.data.Percentage.withPercentage(3));
        assertThat(cost.basis()).contains("input_ids [32, 64]").contains("open dimensions from the first training batch");

        TfStepCost perPosition = TfModelProbe.measure(model, features(model), 32, Map.of());
        assertThat(perPosition.basis()).contains("input_ids [32, 1]").contains("the cost per position");
        assertThat(perPosition.parameterCount()).isEqualTo(cost.parameterCount());
        assertThat(perPosition.forwardFlops()).isLessThan(cost.forwardFlops() / 60);
        assertThat(perPosition.perPosition()).isTrue();
        assertThat(cost.perPosition()).isFalse();
        // an engine compiled without a training batch (to evaluate): a per-position lower bound does not make the
        // step look too small for towers (3 x 5.4e6 FLOPs would be one tower by the work bound)
        TfThreadSettings evaluationOnly = TfThreadSettings.choose(TrainingArguments.builder().outputDir("unused")
                .perDeviceTrainBatchSize(32).build(), perPosition, 2, null);
        assertThat(List.of(evaluationOnly.intraOp(), evaluationOnly.interOp(), evaluationOnly.towers()))
                .containsExactly(1, 2, 2);
    }

    @Test
    void smallAndMidSizeModelsGetATowerPerCoreATinyStepTheCallersThreadAndABertEveryCoreForEachKernel() {
        TrainingArguments.Builder args = TrainingArguments.builder().outputDir("unused");
        TransformerClassifier transformer = mainJobTransformer();
        TfStepCost transformerCost = TfModelProbe.measure(transformer, features(transformer), 32,
                Map.of(TransformerClassifier.INPUT_IDS, List.of(32L, 64L)));
        TfThreadSettings text = TfThreadSettings.choose(args.perDeviceTrainBatchSize(32).build(), transformerCost, 2, null);
        assertThat(List.of(text.intraOp(), text.interOp(), text.towers())).containsExactly(1, 2, 2);
        assertThat(text.reason()).contains("towers by cost").contains("1.01e+09 FLOPs/step");

        MlpClassifier large = mlp(784, 1024, 10);
        TfThreadSettings gemm = TfThreadSettings.choose(args.perDeviceTrainBatchSize(256).build(),
                TfModelProbe.measure(large, features(large), 256, Map.of()), 2, null);
        assertThat(List.of(gemm.intraOp(), gemm.interOp(), gemm.towers())).containsExactly(1, 2, 2);

        // a MiniLM-sized BERT (22.7M parameters): a 91 MB gradient copy per extra tower, over the 32 MB bound
        TfModel miniLm = (TfModel) new dev.trainer4j.tf.models.BertEncoderFactory().create(com.typesafe.config.ConfigFactory
                .parseMap(Map.of("vocab-size", 30522, "hidden-size", 384, "num-layers", 6, "num-heads", 12,
                        "intermediate-size", 1536, "pooling", "mean", "num-labels", 2))
                .withFallback(com.typesafe.config.ConfigFactory.defaultReference()
                        .getConfig("trainer4j.plugins.models.bert-encoder")), () -> java.nio.file.Path.of("unused"));
        TfStepCost bertCost = TfModelProbe.measure(miniLm, features(miniLm), 32,
                Map.of("input_ids", List.of(32L, 64L), "attention_mask", List.of(32L, 64L)));
        assertThat(bertCost.parameterCount()).isBetween(22_000_000L, 23_000_000L);
        TfThreadSettings bert = TfThreadSettings.choose(args.perDeviceTrainBatchSize(32).build(), bertCost, 2, null);
        assertThat(List.of(bert.intraOp(), bert.interOp(), bert.towers())).containsExactly(2, 1, 1);
        assertThat(bert.reason()).contains("1.3").contains("e+11 FLOPs/step");

        MlpClassifier digits = new MlpClassifier(new MlpClassifierSettings(64, List.of(32), 10, 0.0, Activation.RELU));
        TfThreadSettings tiny = TfThreadSettings.choose(args.perDeviceTrainBatchSize(32).build(),
                TfModelProbe.measure(digits, features(digits), 32, Map.of()), 2, null);
        assertThat(List.of(tiny.intraOp(), tiny.interOp(), tiny.towers())).as("3.1e5 FLOPs a step: one tower")
                .containsExactly(1, -1, 1);
    }
}
