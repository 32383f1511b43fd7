package dev.trainer4j.tf.models;

import com.typesafe.config.Config;
import dev.trainer4j.api.Dataset;
import dev.trainer4j.api.Example;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.PredictionOutput;
import dev.trainer4j.api.TrainerSpec;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.api.WeightMapping;
import dev.trainer4j.tf.TfTrainer;
import dev.trainer4j.tf.pretrained.HuggingFaceName;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The "second, differently sized BERT" through the production import path: the bert-small fixture (3 layers,
 * hidden 96, 4 heads, vocabulary 211, written by {@code generate_bert_small.py} with plain torch) is loaded into a
 * {@code bert-encoder} by {@link TfTrainer#initializeFrom} from its hand-written {@code model.safetensors} (with its
 * {@code config.json}) and from its {@code model.onnx} (torch.onnx.export, whose Linear weights are anonymous
 * {@code onnx::MatMul_*} initializers), with no rename list; the trainer's predictions must equal torch's own outputs.
 */
class BertPretrainedImportTest {
    /** The bound; both sides compute in float32 with different GEMM summation orders. */
    private static final double TOLERANCE = 1e-4;

    @ParameterizedTest
    @ValueSource(strings = {"the safetensors folder", "model.onnx"})
    void importedWeightsGiveTorchsOutputs(String source, @TempDir Path output) {
        Config expected = BertFixtures.expected();
        BertEncoder model = BertFixtures.model("head = embedding, token-type-ids = true, hidden-dropout = 0,"
                + " attention-dropout = 0");
        TrainingArguments args = TrainingArguments.builder().outputDir(output.toString())
                .perDeviceEvalBatchSize(8).build();
        try (TfTrainer trainer = new TfTrainer(TrainerSpec.builder().args(args).model(model).build())) {
            Path path = source.equals("model.onnx") ? BertFixtures.FOLDER.resolve("model.onnx") : BertFixtures.FOLDER;
            WeightMapping.Report report = trainer.initializeFrom(path, WeightMapping.IDENTITY);

            assertThat(report.loaded()).containsExactlyInAnyOrderElementsOf(
                    model.huggingFaceNames().stream().map(HuggingFaceName::variable).toList());
            assertThat(report.missing()).isEmpty();
            assertThat(report.mismatched()).isEmpty();
            // the embedding head has no pooler; the ONNX graph of a BertModel computes it all the same
            assertThat(report.unexpected()).allMatch(name -> name.startsWith("pooler."), "only the pooler is left");

            PredictionOutput predicted = trainer.predict(Dataset.of(examples(expected)));
            double hidden = maxError(predicted.predictions().get(BertEncoder.LAST_HIDDEN_STATE),
                    BertFixtures.flat(expected, "last_hidden_state"));
            double embedding = maxError(predicted.predictions().get(BertEncoder.EMBEDDING),
                    BertFixtures.flat(expected, "mean_pooled_embedding"));
            System.out.printf("bert-small imported from %s vs torch: max |trainer4j - torch| last_hidden_state %.3g,"
                    + " embedding %.3g%n", source, hidden, embedding);
            assertThat(hidden).isLessThanOrEqualTo(TOLERANCE);
            assertThat(embedding).isLessThanOrEqualTo(TOLERANCE);
        }
    }

    private static List<Example> examples(Config expected) {
        int rows = expected.getList("input_ids").size();
        int[] ids = BertFixtures.flatInts(expected, "input_ids");
        int[] mask = BertFixtures.flatInts(expected, "attention_mask");
        int[] types = BertFixtures.flatInts(expected, "token_type_ids");
        int length = ids.length / rows;
        List<Example> examples = new ArrayList<>();
        for (int row = 0; row < rows; row++) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put(BertEncoder.INPUT_IDS, Arrays.copyOfRange(ids, row * length, (row + 1) * length));
            fields.put(BertEncoder.ATTENTION_MASK, Arrays.copyOfRange(mask, row * length, (row + 1) * length));
            fields.put(BertEncoder.TOKEN_TYPE_IDS, Arrays.copyOfRange(types, row * length, (row + 1) * length));
            examples.add(Example.of(fields));
        }
        return examples;
    }

    private static double maxError(HostTensor actual, float[] expected) {
        float[] values = actual.floats();
        assertThat(values).hasSameSizeAs(expected);
        double max = 0;
        double largest = 0;
        for (int i = 0; i < values.length; i++) {
            max = Math.max(max, Math.abs(values[i] - expected[i]));
            largest = Math.max(largest, Math.abs(expected[i]));
        }
        assertThat(largest).as("the outputs are not all zero, so the comparison can fail").isGreaterThan(0.5);
        return max;
    }
}
