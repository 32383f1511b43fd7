package dev.trainer4j.tf.models;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.InputSpec;
import dev.trainer4j.api.ModelOutput;
import dev.trainer4j.api.Tokenizer;
import dev.trainer4j.spi.PluginContext;
import dev.trainer4j.tf.nn.Activation;
import dev.trainer4j.tf.nn.TestModelScope;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Operand;
import org.tensorflow.Session;
import org.tensorflow.Tensor;
import org.tensorflow.ndarray.Shape;
import org.tensorflow.op.Ops;
import org.tensorflow.op.core.Placeholder;
import org.tensorflow.types.TInt32;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.trainer4j.tf.nn.TfTestSupport.ints;
import static dev.trainer4j.tf.nn.TfTestSupport.run;
import static dev.trainer4j.tf.nn.TfTestSupport.shapeOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class BertEncoderTest {
    private static final BertEncoderSettings SMALL = BertEncoderSettings.of(12, 8, 3, 2, 16, 6);

    private static Config block(String overrides) {
        return ConfigFactory.parseString(overrides)
                .withFallback(ConfigFactory.defaultReference().getConfig("trainer4j.plugins.models.bert-encoder"));
    }

    private static PluginContext withTokenizer(int vocabularySize) {
        Tokenizer tokenizer = new ModelFactoriesTest.FixedVocabularyTokenizer(vocabularySize);
        return new PluginContext() {
            @Override
            public Path baseDirectory() {
                return BertFixtures.FOLDER;
            }

            @Override
            public Optional<Tokenizer> tokenizer() {
                return Optional.of(tokenizer);
            }
        };
    }

    /** Builds the model over int placeholders and runs {@code fetch} on the given ids (mask all ones). */
    private static float[] runOn(BertEncoder model, int[] ids, long rows, long length, String fetch) {
        int[] mask = new int[ids.length];
        java.util.Arrays.fill(mask, 1);
        return runOn(model, ids, mask, rows, length, fetch);
    }

    private static float[] runOn(BertEncoder model, int[] ids, int[] mask, long rows, long length, String fetch) {
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Placeholder<TInt32> idsInput = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
            Placeholder<TInt32> maskInput = tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1)));
            ModelOutput<Operand<?>> output = model.build(TestModelScope.create(graph, false, 1),
                    Map.of(BertEncoder.INPUT_IDS, idsInput, BertEncoder.ATTENTION_MASK, maskInput));
            try (Session session = new Session(graph); TInt32 idTensor = ints(ids, rows, length);
                    TInt32 maskTensor = ints(mask, rows, length)) {
                Map<Operand<?>, Tensor> feeds = Map.of(idsInput, idTensor, maskInput, maskTensor);
                return run(session, feeds, output.get(fetch)).get(0);
            }
        }
    }

    @Test
    void anInputLongerThanMaxPositionStopsTheStepNamingTheLimit() {
        BertEncoder model = new BertEncoder(SMALL.withHead(BertHead.EMBEDDING, Pooling.MEAN, 2));
        // 6 positions: a row of 6 runs, a row of 7 would read position row 6 of a 6-row table
        assertThat(runOn(model, new int[] {1, 2, 3, 4, 5, 6}, 1, 6, BertEncoder.EMBEDDING)).hasSize(8);
        assertThatThrownBy(() -> runOn(model, new int[] {1, 2, 3, 4, 5, 6, 7}, 1, 7, BertEncoder.EMBEDDING))
                .hasMessageContaining("bert-encoder: input_ids is longer than max-position")
                .hasMessageContaining("[6] [7]");
    }

    @Test
    void anIdOutsideTheVocabularyStopsTheStepNamingVocabSize() {
        BertEncoder model = new BertEncoder(SMALL.withHead(BertHead.EMBEDDING, Pooling.MEAN, 2));
        assertThatThrownBy(() -> runOn(model, new int[] {1, 12, 3}, 1, 3, BertEncoder.EMBEDDING))
                .hasMessageContaining("input_ids holds a value outside [0, vocab-size)")
                .hasMessageContaining("[12] [1] [12]");
        assertThatThrownBy(() -> runOn(model, new int[] {1, -1, 3}, 1, 3, BertEncoder.EMBEDDING))
                .hasMessageContaining("[12] [-1] [3]");
    }

    @Test
    void tokenClassificationGivesPerTokenLogitsAndCountsOnlyLabelledTokens() {
        BertEncoder model = new BertEncoder(SMALL.withHead(BertHead.TOKEN_CLASSIFICATION, Pooling.CLS, 5));
        assertThat(model.inputs()).contains(InputSpec.classLabel(BertEncoder.LABELS, dev.trainer4j.api.DataType.INT32,
                5, -1, -1));
        try (Graph graph = new Graph()) {
            Ops tf = Ops.create(graph);
            Map<String, Operand<?>> inputs = new HashMap<>();
            for (String name : List.of(BertEncoder.INPUT_IDS, BertEncoder.ATTENTION_MASK, BertEncoder.LABELS)) {
                inputs.put(name, tf.placeholder(TInt32.class, Placeholder.shape(Shape.of(-1, -1))));
            }
            ModelOutput<Operand<?>> output = model.build(TestModelScope.create(graph, true, 1), inputs);
            try (Session session = new Session(graph);
                    TInt32 ids = ints(new int[] {2, 5, 7, 0, 3, 4, 0, 0}, 2, 4);
                    TInt32 mask = ints(new int[] {1, 1, 1, 0, 1, 1, 0, 0}, 2, 4);
                    TInt32 labels = ints(new int[] {-100, 1, 4, -100, 0, -100, -100, -100}, 2, 4)) {
                Map<Operand<?>, Tensor> feeds = Map.of(inputs.get(BertEncoder.INPUT_IDS), ids,
                        inputs.get(BertEncoder.ATTENTION_MASK), mask, inputs.get(BertEncoder.LABELS), labels);
                assertThat(shapeOf(session, feeds, output.get(BertEncoder.LOGITS))).containsExactly(2, 4, 5);
                // three labelled tokens: 1, 4 and 0
                assertThat(run(session, feeds, output.itemCount().orElseThrow()).get(0)).containsExactly(3f);
            }
        }
    }

    @Test
    void layerWiseDecayFollowsTheBeitRecipe() {
        BertEncoder model = new BertEncoder(SMALL.withTraining(List.of(), 0.5));
        // L = 3: embeddings 0.5^4, layer l gets 0.5^(3 - l), pooler and head 1
        assertThat(model.learningRateMultiplier("embeddings/word_embeddings/embeddings")).isEqualTo(0.0625);
        assertThat(model.learningRateMultiplier("embeddings/layer_norm/gamma")).isEqualTo(0.0625);
        assertThat(model.learningRateMultiplier("encoder/layer_0/attention/query/kernel")).isEqualTo(0.125);
        assertThat(model.learningRateMultiplier("encoder/layer_1/ffn_norm/beta")).isEqualTo(0.25);
        assertThat(model.learningRateMultiplier("encoder/layer_2/output/bias")).isEqualTo(0.5);
        assertThat(model.learningRateMultiplier("pooler/kernel")).isEqualTo(1);
        assertThat(model.learningRateMultiplier("classifier/bias")).isEqualTo(1);
        assertThat(new BertEncoder(SMALL).learningRateMultiplier("embeddings/word_embeddings/embeddings")).isEqualTo(1);
    }

    @Test
    void huggingFaceConfigHasBertConfigKeysThatTheFactoryReadsBack() {
        BertEncoder model = BertFixtures.model("head = token-classification, num-labels = 7");
        Map<String, Object> config = model.huggingFaceConfig();
        assertThat(config).containsEntry("architectures", List.of("BertForTokenClassification"))
                .containsEntry("model_type", "bert").containsEntry("vocab_size", 211).containsEntry("hidden_size", 96)
                .containsEntry("num_hidden_layers", 3).containsEntry("num_attention_heads", 4)
                .containsEntry("intermediate_size", 192).containsEntry("max_position_embeddings", 40)
                .containsEntry("type_vocab_size", 2).containsEntry("layer_norm_eps", 1e-12)
                .containsEntry("hidden_act", "gelu").containsEntry("num_labels", 7);
        assertThat(model.settings().hiddenAct()).isEqualTo(Activation.GELU);
        assertThat(model.inputs().stream().map(InputSpec::name)).containsExactly("input_ids", "attention_mask", "labels");
    }

    @Test
    void aSizeInTheBlockThatConflictsWithConfigJsonNamesBoth() {
        BertEncoderFactory factory = new BertEncoderFactory();
        PluginContext context = () -> BertFixtures.FOLDER;
        assertThatThrownBy(() -> factory.create(block("config = config.json, hidden-size = 128"), context))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("hidden-size = 128 in the model block conflicts with hidden_size = 96 in config.json;"
                        + " expected the same value or only one of them");
        assertThatThrownBy(() -> factory.create(block("config = config.json, layer-norm-eps = 1e-5"), context))
                .hasMessageContaining("layer-norm-eps = 1.0E-5 in the model block conflicts with layer_norm_eps = 1.0E-12");
        // the same value is fine; dropout set in the block overrides the file's (HF from_pretrained keyword style)
        BertEncoder model = (BertEncoder) factory.create(block(
                "config = config.json, num-heads = 4, hidden-dropout = 0.2"), context);
        assertThat(model.settings().numHeads()).isEqualTo(4);
        assertThat(model.settings().hiddenDropout()).isEqualTo(0.2);
        assertThat(model.settings().attentionDropout()).isEqualTo(0.1);
        assertThatThrownBy(() -> factory.create(block("config = missing.json"), context))
                .hasMessageStartingWith("config: 'missing.json (resolved to ");
    }

    @Test
    void withoutConfigJsonTheSizesAreRequiredAndTheVocabularyComesFromTheTokenizer() {
        BertEncoderFactory factory = new BertEncoderFactory();
        assertThatThrownBy(() -> factory.create(block("vocab-size = 10"), () -> Path.of(".")))
                .hasMessage("hidden-size is missing; expected an integer > 0");
        String sizes = "hidden-size = 8, num-layers = 1, num-heads = 2, intermediate-size = 16";
        BertEncoder model = (BertEncoder) factory.create(block(sizes), withTokenizer(30));
        assertThat(model.settings().vocabSize()).isEqualTo(30);
        assertThat(model.settings().maxPosition()).isEqualTo(512);
        assertThat(model.settings().layerNormEps()).isEqualTo(1e-12);
        // a tokenizer with more ids than the embedding rows would look up rows that do not exist
        assertThatThrownBy(() -> factory.create(block("config = config.json"), withTokenizer(300)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("vocab-size: the run's tokenizer has 300 ids but the model's word embeddings have 211 rows"
                        + " (vocab-size from config.json); expected a tokenizer of at most 211 ids, the one that comes"
                        + " with the weights");
        assertThatThrownBy(() -> factory.create(block(sizes + ", head = ner"), withTokenizer(30)))
                .hasMessage("head: 'ner' is not allowed; expected one of [sequence-classification,"
                        + " token-classification, embedding]");
    }

    @Test
    void settingsRejectBadValuesNamingTheKey() {
        assertThatThrownBy(() -> SMALL.withTraining(List.of(), 0))
                .hasMessage("layer-wise-lr-decay: 0.0 is not allowed; expected a number in (0, 1] (1: off)");
        assertThatThrownBy(() -> SMALL.withDropout(1, 0))
                .hasMessage("hidden-dropout: 1.0 is not allowed; expected a number in [0, 1)");
        assertThatThrownBy(() -> BertEncoderSettings.of(12, 10, 1, 4, 16, 6))
                .hasMessageContaining("num-heads: 4 does not divide hidden-size 10");
    }

    @Test
    void meanPooledEmbeddingIgnoresPaddedTokens() {
        BertEncoder model = new BertEncoder(SMALL.withHead(BertHead.EMBEDDING, Pooling.MEAN, 2));
        float[] alone = runOn(model, new int[] {3, 4, 5}, 1, 3, BertEncoder.EMBEDDING);
        float[] padded = runOn(model, new int[] {3, 4, 5, 9, 9}, new int[] {1, 1, 1, 0, 0}, 1, 5,
                BertEncoder.EMBEDDING);
        // same initial weights (the test scope seeds by name): the padding must not change the embedding
        for (int i = 0; i < alone.length; i++) {
            assertThat(padded[i]).isCloseTo(alone[i], within(1e-5f));
        }
    }
}
