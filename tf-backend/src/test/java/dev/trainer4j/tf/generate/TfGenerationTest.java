package dev.trainer4j.tf.generate;

import dev.trainer4j.api.Batch;
import dev.trainer4j.api.ConfigurationException;
import dev.trainer4j.api.GenerationConfig;
import dev.trainer4j.api.HostTensor;
import dev.trainer4j.api.TrainingArguments;
import dev.trainer4j.spi.EngineOptions;
import dev.trainer4j.spi.EvalBatchOutput;
import dev.trainer4j.tf.TfBackend;
import dev.trainer4j.tf.TfModel;
import dev.trainer4j.tf.TfTrainingEngine;
import dev.trainer4j.tf.models.TransformerLm;
import dev.trainer4j.tf.models.TransformerLmSettings;
import dev.trainer4j.tf.models.TransformerSeq2Seq;
import dev.trainer4j.tf.models.TransformerSeq2SeqSettings;
import dev.trainer4j.tf.nn.TestModelScope;
import org.junit.jupiter.api.Test;
import org.tensorflow.Graph;
import org.tensorflow.Session;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Generation on TensorFlow: the cached decoder step gives the same tokens as the uncached baseline (the same graph
 * over the whole prefix per token), and the generation graph uses the trained variables.
 */
class TfGenerationTest {
    private static final int VOCAB = 13;
    private static final int EOS = 2;

    private static TrainingArguments args() {
        return TrainingArguments.builder().outputDir("unused").seed(11).build();
    }

    private static TfTrainingEngine engine(TfModel model) {
        return new TfBackend().compile(model, args(), new EngineOptions(List.of(), -1));
    }

    private static GenerationConfig generation(Map<String, Object> settings) {
        return GenerationConfig.fromMap(settings, "test");
    }

    static TransformerLm lm() {
        return new TransformerLm(new TransformerLmSettings(VOCAB, 16, 2, 2, 32, 40, 0.1, 1e-5, true,
                generation(Map.of("eos-token-id", EOS, "pad-token-id", 0))));
    }

    static TransformerSeq2Seq seq2seq() {
        return new TransformerSeq2Seq(new TransformerSeq2SeqSettings(VOCAB, 16, 2, 2, 2, 32, 40, 0.1, 1e-5, false,
                false, generation(Map.of("eos-token-id", EOS, "pad-token-id", 0, "decoder-start-token-id", 1))));
    }

    /** Three prompts of different lengths, right-padded (the LM moves the padding to the left itself). */
    private static Batch prompts() {
        int[] ids = {5, 6, 7, 8, 9, 3, 4, 0, 0, 0, 11, 12, 10, 4, 0};
        int[] mask = {1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 0};
        return new Batch(Map.of("input_ids", HostTensor.ofInts(ids, 3, 5),
                "attention_mask", HostTensor.ofInts(mask, 3, 5)));
    }

    /** The rows of {@link #prompts()}: ids and mask. */
    private static final int[][] IDS = {{5, 6, 7, 8, 9}, {3, 4, 0, 0, 0}, {11, 12, 10, 4, 0}};
    private static final int[][] MASK = {{1, 1, 1, 1, 1}, {1, 1, 0, 0, 0}, {1, 1, 1, 1, 0}};

    @Test
    void cachedDecodingGivesTheSameTokensAsUncachedDecoding() {
        // the generation graph alone (no training graph), on randomly initialised weights, so that the tokens are
        // far from trivial: greedy, beam search (3 beams) and top-k sampling
        for (TfGenerativeModel model : List.<TfGenerativeModel>of(lm(), seq2seq())) {
            try (Graph graph = new Graph()) {
                TfGenerationGraph generation = TfGenerationGraph.build(model, TestModelScope.create(graph, false, 7));
                try (Session session = new Session(graph)) {
                    TfGenerator generator = new TfGenerator(session, generation);
                    for (Map<String, Object> settings : List.<Map<String, Object>>of(Map.of("max-new-tokens", 12),
                            Map.of("max-new-tokens", 12, "num-beams", 3),
                            Map.of("max-new-tokens", 12, "do-sample", true, "top-k", 5))) {
                        GenerationConfig.Resolved config = model.generationConfig()
                                .overriddenBy(generation(settings)).resolve(VOCAB, "test");
                        List<int[]> cached = generator.generate(IDS, MASK, config, 5, true);
                        List<int[]> uncached = generator.generate(IDS, MASK, config, 5, false);
                        assertThat(cached).as("%s %s", model.name(), settings).hasSize(3);
                        for (int row = 0; row < 3; row++) {
                            assertThat(cached.get(row)).as("%s %s row %d", model.name(), settings, row)
                                    .containsExactly(uncached.get(row));
                            assertThat(cached.get(row).length).isBetween(1, 12);
                        }
                    }
                }
            }
        }
    }

    @Test
    void theEngineGeneratesWithTheTrainedVariablesAndNamesTheKeyOfSettingsThatDoNotFit() {
        // transformer-seq2seq's prediction pass without labels feeds only the start token: its logits [B, 1, V]
        // are the first step's, so greedy's first token is their argmax
        try (TfTrainingEngine engine = engine(seq2seq())) {
            EvalBatchOutput predicted = engine.evaluate(prompts(), true);
            float[] logits = predicted.predictions().get("logits").floats();
            List<int[]> generated = engine.generate(prompts(), generation(Map.of("max-new-tokens", 1)), 0);
            for (int row = 0; row < 3; row++) {
                int best = 0;
                for (int token = 1; token < VOCAB; token++) {
                    if (logits[row * VOCAB + token] > logits[row * VOCAB + best]) {
                        best = token;
                    }
                }
                assertThat(generated.get(row)).containsExactly(best);
            }
            // an encoder-decoder's decoder starts with one token: max-length 1 leaves no room
            assertThatThrownBy(() -> engine.generate(prompts(), generation(Map.of("max-length", 1)), 0))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("generation-config.max-length")
                    .hasMessageContaining("1 tokens");
            assertThatThrownBy(() -> engine.generate(prompts(), generation(Map.of("max-new-tokens", 40)), 0))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("generation-config.max-new-tokens")
                    .hasMessageContaining("40 positions");
            assertThatThrownBy(() -> engine.generationConfig(generation(Map.of("eos-token-id", VOCAB))))
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining("generation-config.eos-token-id");
        }
    }
}
